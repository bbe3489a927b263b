import { ImplausibleVersionError, MAX_CLOCK_SKEW_MS, MAX_VERSION_JUMP, REPAIR_AFTER_MS, versionVerdict, type Held, type Incoming } from './version-rule';

const NOW = Date.parse('2030-01-01T12:00:00Z');
const at = (msFromNow: number) => new Date(NOW + msFromNow);
const live = (version: number, occurredAt = at(0)): Incoming => ({ version, origin: 'live', occurredAt });
const resync = (version: number, occurredAt = at(0)): Incoming => ({ version, origin: 'resync', occurredAt });
const held = (version: number, eventAt = at(-1_000)): Held => ({ version, eventAt });
const verdict = (h: Held | undefined, e: Incoming) => {
  const v = versionVerdict(h, e, NOW);
  return v instanceof ImplausibleVersionError ? `refused: ${v.message}` : v;
};

describe('versions a replica accepts', () => {
  it('applies newer versions, ordinary reordering included, and ignores older ones and duplicates', () => {
    expect(verdict(held(3), live(4))).toBe('write');
    expect(verdict(held(3), live(3 + MAX_VERSION_JUMP))).toBe('write'); // v4…v102 still on their way
    expect(verdict(held(5), live(4))).toBe('stale');
    expect(verdict(held(5), live(5))).toBe('stale');
  });

  it('refuses a live event too far ahead of what it holds: a forged 2^53−1 does not freeze the replica', () => {
    expect(verdict(held(3), live(Number.MAX_SAFE_INTEGER))).toMatch(/^refused: version 9007199254740991 is 9007199254740988 ahead of the 3 held/);
    expect(verdict(held(3), live(4 + MAX_VERSION_JUMP))).toMatch(/^refused: .* at most 100 ahead/);
  });

  it('takes any version for an entity it does not hold (a new replica, an entity older than it)', () => {
    expect(verdict(undefined, live(5_000))).toBe('write');
  });

  it('takes any newer version from a resync (a replica long gone, or restored from a backup)', () => {
    expect(verdict(held(3), resync(50_000))).toBe('write');
  });

  it('lets a resync repair a version its owner never had, and keeps one that may be a change made during the snapshot', () => {
    // The replica holds v9000 (forged) from an event 10 minutes before the owner, at v7, took its snapshot.
    expect(verdict(held(9_000, at(-REPAIR_AFTER_MS - 5 * 60_000)), resync(7))).toBe('repair');
    // v8 applied a second before the snapshot of v7 was sent: a real change racing the resync.
    expect(verdict(held(8, at(-1_000)), resync(7))).toBe('stale');
    // A live event below what is held is never a repair.
    expect(verdict(held(9_000, at(-REPAIR_AFTER_MS - 60_000)), live(7))).toBe('stale');
  });

  it('refuses an event from the future, which could otherwise outlive every repair', () => {
    expect(verdict(undefined, live(1, at(MAX_CLOCK_SKEW_MS + 60_000)))).toMatch(/^refused: occurredAt .* is 360 s in the future/);
    expect(verdict(held(1), resync(2, at(MAX_CLOCK_SKEW_MS + 60_000)))).toMatch(/in the future/);
    expect(verdict(held(1), live(2, at(MAX_CLOCK_SKEW_MS - 1_000)))).toBe('write'); // within the clock skew allowed
  });
});
