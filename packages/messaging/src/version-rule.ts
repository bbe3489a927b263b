import { PermanentError } from './permanent-error';

/**
 * Versions that cannot jump (docs/decisions.md, "Versions a replica accepts"). Rule 3's guard alone
 * keeps the highest version it ever saw, so one event claiming 2^53−1 would make every later event
 * of that entity stale: the replica frozen for good. What a replica holding version `h` accepts:
 *
 * - a **live** event (through the owner's topic exchange) of version `v` with h < v ≤ h + MAX_JUMP.
 *   Events of one entity are published in order, so only retries and concurrent relays reorder
 *   them, by a few versions. Further ahead means events were lost (a purged queue, a read model
 *   restored from a backup) or forged: dead-lettered with the reason; a resync fixes the former.
 * - a **resync** event (through the owner's resync exchange: its current state, sent to this one
 *   queue) of any version above `h`: a replica that was empty or long gone may be far behind.
 * - a resync event *below* `h` **replaces** it when the held version's event happened more than
 *   REPAIR_AFTER_MS before the snapshot: the owner had only `v` then, so `h` never existed there (a
 *   forged or corrupted version). Within that margin `h` may be a real change made while the
 *   snapshot was read, and is kept.
 * - an entity the replica does not hold: any version (a new replica, an entity older than it).
 * - any event whose `occurredAt` is more than MAX_CLOCK_SKEW_MS ahead of this clock is refused:
 *   otherwise a forged version could claim a future time and outlive every repair.
 */
export const MAX_VERSION_JUMP = 100;
export const REPAIR_AFTER_MS = 5 * 60_000;
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export type Origin = 'live' | 'resync';
export interface Held {
  version: number;
  /** When the held version's event happened at the owner (its occurredAt). */
  eventAt?: Date;
}
export interface Incoming {
  version: number;
  origin: Origin;
  occurredAt: Date;
}

/** Dead-letter reason `implausible`: an event the rule above refuses. */
export class ImplausibleVersionError extends PermanentError {}

export type Verdict = 'write' | 'stale' | 'repair' | ImplausibleVersionError;

export function versionVerdict(held: Held | undefined, e: Incoming, now = Date.now()): Verdict {
  const ahead = e.occurredAt.getTime() - now;
  if (ahead > MAX_CLOCK_SKEW_MS) return new ImplausibleVersionError(`occurredAt ${e.occurredAt.toISOString()} is ${Math.round(ahead / 1000)} s in the future`);
  if (!held) return 'write';
  if (e.version > held.version) {
    const jump = e.version - held.version;
    if (e.origin === 'live' && jump > MAX_VERSION_JUMP) {
      return new ImplausibleVersionError(
        `version ${e.version} is ${jump} ahead of the ${held.version} held (a live event may be at most ${MAX_VERSION_JUMP} ahead; a resync may be any)`,
      );
    }
    return 'write';
  }
  const heldAge = held.eventAt ? e.occurredAt.getTime() - held.eventAt.getTime() : 0;
  if (e.origin === 'resync' && e.version < held.version && heldAge > REPAIR_AFTER_MS) return 'repair';
  return 'stale';
}
