import { CONSUMERS } from './consumers';
import { acceptedVersions, EVENTS, eventTypesOf, exchangeOf, newEvent, parseEvent } from './registry';

const id = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const good = () => newEvent('user.profile.updated', { id, version: 7 }, { id, fullName: 'Ann' }, { correlationId: 'req-1' });

describe('event contract', () => {
  it('builds the envelope the design fixes', () => {
    const e = good();
    expect(e).toMatchObject({
      type: 'user.profile.updated',
      schemaVersion: 2,
      source: 'users',
      aggregateType: 'user',
      aggregateId: id,
      aggregateVersion: 7,
      correlationId: 'req-1',
      causationId: null,
      data: { id, fullName: 'Ann' },
    });
    expect(e.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(e.occurredAt).toISOString()).toBe(e.occurredAt);
  });

  it('routes each event by its type on its owner exchange', () => {
    expect(exchangeOf('review.created')).toBe('movies');
    expect(eventTypesOf('catalog')).toEqual([
      'screening.scheduled', 'screening.cancelled',
      'booking.requested', 'booking.confirmed', 'booking.rejected', 'booking.expired', 'booking.cancelled',
    ]);
    expect(eventTypesOf('users')).toEqual([
      'user.created', 'user.profile.updated', 'user.deleted',
      'credits.granted', 'credits.debited', 'credits.rejected', 'credits.refunded',
    ]);
    for (const type of Object.keys(EVENTS)) expect(type).toMatch(/^[a-z]+(\.[a-z]+)+$/);
  });

  it('accepts a valid event and returns it typed', () => {
    const e = good();
    expect(parseEvent(JSON.parse(JSON.stringify(e)))).toEqual({ ok: true, event: e });
  });

  it.each([
    ['not an object', 'text', /not a JSON object/],
    ['an array', [], /not a JSON object/],
    ['no eventId', { ...good(), eventId: undefined }, /invalid envelope: eventId/],
    ['unknown type', { ...good(), type: 'user.exploded' }, /unknown event type "user.exploded"/],
    ['a future schemaVersion', { ...good(), schemaVersion: 3 }, /unsupported schemaVersion 3 of user.profile.updated \(supported: 2, 1\)/],
    ['a source that does not own the type', { ...good(), source: 'movies' }, /source "movies" does not publish user.profile.updated \(its owner is users\)/],
    ['a wrong aggregateType', { ...good(), aggregateType: 'movie' }, /aggregateType "movie" does not match/],
    ['invalid data', { ...good(), data: { id: 'nope' } }, /invalid data of user.profile.updated/],
    ['a version of 0', { ...good(), aggregateVersion: 0 }, /invalid envelope: aggregateVersion/],
  ])('rejects %s with a reason', (_name, content, reason) => {
    const result = parseEvent(content);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it('reads version 1 of user events during the rollover, without the e-mail it carried', () => {
    const v1 = { ...good(), schemaVersion: 1, data: { id, email: 'a@b.io', fullName: 'Ann' } };
    const parsed = parseEvent(JSON.parse(JSON.stringify(v1)));
    expect(parsed).toEqual({ ok: true, event: { ...v1, data: { id, fullName: 'Ann' } } });
    expect(acceptedVersions('user.created')).toEqual([2, 1]);
    expect(acceptedVersions('movie.created')).toEqual([1]);
    // Version 2 carries no e-mail: one given is not passed on.
    expect(parseEvent({ ...good(), data: { id, email: 'a@b.io', fullName: 'Ann' } })).toMatchObject({ ok: true, event: { data: { id, fullName: 'Ann' } } });
  });

  it('lets every consumer queue receive only events it handles', () => {
    for (const c of Object.values(CONSUMERS)) {
      for (const type of c.handles) expect(exchangeOf(type)).toBe(c.exchange);
      const matches = (key: string, pattern: string) =>
        new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\*/g, '[^.]+').replace(/#/g, '.*')}$`).test(key);
      const delivered = eventTypesOf(c.exchange).filter((t) => c.bindingKeys.some((k) => matches(t, k)));
      expect(delivered.sort()).toEqual([...c.handles].sort());
    }
  });
});
