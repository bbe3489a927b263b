import { ObjectId, type Collection } from 'mongodb';
import type { DomainEvent } from '@cinema/events';
import { testDatabase, type TestDatabase } from '@cinema/testing';
import { ScreeningRepository } from './repository';

let t: TestDatabase;
let repo: ScreeningRepository;
let clock = new Date('2030-01-01T00:00:00Z');
const now = new Date('2030-06-01T00:00:00Z');
const hoursFromNow = (h: number) => new Date(now.getTime() + h * 3_600_000);
const odeon = new ObjectId();
const astor = new ObjectId();
const dune = new ObjectId();
const c = { correlationId: 'test-request' };
const all = { limit: 100, after: null };
const of = <T>(pages: Map<string, T[]>, parent: ObjectId) => pages.get(parent.toHexString()) ?? [];
/** What the repository told `onEvents` (the relay, in production) after each write. */
const told: Array<{ collection: Collection<any>; id: ObjectId; events: DomainEvent[] }> = [];

const schedule = (cinemaId: ObjectId, startsAt: Date, isPremiere = false, movieId = dune) =>
  repo.schedule({ cinemaId, movieId, startsAt, isPremiere }, c);
const reasonOf = (e: DomainEvent) => (e.data as { reason?: string }).reason;
const outboxOf = async (id: ObjectId) =>
  ((await repo.screenings.findOne({ _id: id }))!.outbox ?? []).map((e) => [e.type, e.aggregateVersion, e.data, e.correlationId]);

beforeAll(async () => {
  t = await testDatabase('catalog_screenings');
  repo = new ScreeningRepository(t.db, { now: () => clock, onEvents: (collection, id, events) => told.push({ collection, id, events }) });
  await repo.ensureIndexes();
});
afterAll(() => t.drop());

describe('ScreeningRepository (real MongoDB wire server)', () => {
  it('creates its indexes again on every start without failing (an earlier FerretDB crash)', async () => {
    await expect(repo.ensureIndexes()).resolves.toBeUndefined();
    const names = (await repo.screenings.indexes()).map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['cinemaId_startsAt', 'movieId_startsAt']));
  });

  it('schedules at version 1, not cancelled, stamped with the clock, with its event in the same document', async () => {
    const s = await schedule(odeon, hoursFromNow(48), true);
    expect(s).toMatchObject({ version: 1, cancelledAt: null, isPremiere: true, createdAt: clock });
    const id = s._id.toHexString();
    const data = { id, cinemaId: odeon.toHexString(), movieId: dune.toHexString(), startsAt: hoursFromNow(48).toISOString(), isPremiere: true };
    expect(await outboxOf(s._id)).toEqual([['screening.scheduled', 1, data, 'test-request']]);
    const [stored] = (await repo.screenings.findOne({ _id: s._id }))!.outbox!;
    expect(stored).toMatchObject({ source: 'catalog', aggregateType: 'screening', aggregateId: id, occurredAt: clock.toISOString() });
    const last = told.at(-1)!;
    expect(last.collection).toBe(repo.screenings);
    expect([last.id, last.events]).toEqual([s._id, [stored]]);
  });

  it('cancels once: a version bump and a screening.cancelled event, then null; unknown ids are null', async () => {
    const s = await schedule(odeon, hoursFromNow(72));
    clock = new Date('2030-02-01T00:00:00Z');
    expect(await repo.cancel(s._id, 'cancelled', c)).toMatchObject({ version: 2, cancelledAt: clock, cancelReason: 'cancelled' });
    const toldBefore = told.length;
    expect(await repo.cancel(s._id, 'cancelled', c)).toBeNull();
    expect(await repo.cancel(new ObjectId(), 'cancelled', c)).toBeNull();
    expect(told).toHaveLength(toldBefore); // a write that did not happen is not published
    expect(await repo.findById(s._id)).toMatchObject({ version: 2, cancelledAt: clock });

    const facts = { id: s._id.toHexString(), cinemaId: odeon.toHexString(), movieId: dune.toHexString(), startsAt: hoursFromNow(72).toISOString() };
    expect(await outboxOf(s._id)).toEqual([
      ['screening.scheduled', 1, { ...facts, isPremiere: false }, 'test-request'],
      ['screening.cancelled', 2, { ...facts, reason: 'cancelled' }, 'test-request'],
    ]);
  });

  it('cancels a movie’s upcoming screenings that are still on, each with its own event, and nothing twice', async () => {
    const heat = new ObjectId();
    const cause = { correlationId: 'movies-request', causationId: 'movie-deleted-event' };
    const past = await schedule(odeon, hoursFromNow(-2), false, heat);
    const soon = await schedule(odeon, hoursFromNow(2), false, heat);
    const later = await schedule(astor, hoursFromNow(30), true, heat);
    const alreadyOff = await schedule(astor, hoursFromNow(40), false, heat);
    await repo.cancel(alreadyOff._id, 'cancelled', c);
    const otherMovie = await schedule(astor, hoursFromNow(3));

    clock = now;
    expect(await repo.cancelUpcomingOfMovie(heat, 'movie-deleted', cause)).toBe(2);
    expect(await repo.cancelUpcomingOfMovie(heat, 'movie-deleted', cause)).toBe(0);

    for (const s of [soon, later]) {
      const stored = await repo.screenings.findOne({ _id: s._id });
      expect(stored).toMatchObject({ version: 2, cancelledAt: now, cancelReason: 'movie-deleted' });
      expect(stored!.outbox!.map((e) => [e.type, e.aggregateVersion, reasonOf(e), e.correlationId, e.causationId])).toEqual([
        ['screening.scheduled', 1, undefined, 'test-request', null],
        ['screening.cancelled', 2, 'movie-deleted', 'movies-request', 'movie-deleted-event'],
      ]);
    }
    expect(await repo.findById(past._id)).toMatchObject({ version: 1, cancelledAt: null });
    expect(await repo.findById(alreadyOff._id)).toMatchObject({ version: 2, cancelReason: 'cancelled' });
    expect(await repo.findById(otherMovie._id)).toMatchObject({ version: 1, cancelledAt: null });
  });

  it('lists only upcoming, non-cancelled screenings of each cinema, in time order', async () => {
    const cinema = new ObjectId();
    await schedule(cinema, hoursFromNow(5));
    await schedule(cinema, hoursFromNow(-1)); // already started
    await schedule(cinema, now, true); // starts exactly now: still upcoming
    await schedule(cinema, hoursFromNow(2), true);
    const cancelled = await schedule(cinema, hoursFromNow(3), true);
    await repo.cancel(cancelled._id, 'cancelled', c);

    const listed = of(await repo.upcomingByCinemas([cinema], now, all), cinema);
    expect(listed.map((s) => s.startsAt)).toEqual([now, hoursFromNow(2), hoursFromNow(5)]);
    expect(listed.every((s) => s.outbox === undefined)).toBe(true); // outboxes are the relay's, not read here

    const premieres = of(await repo.upcomingByCinemas([cinema], now, all, { premieresOnly: true }), cinema);
    expect(premieres.map((s) => s.startsAt)).toEqual([now, hoursFromNow(2)]);
    expect(premieres.every((s) => s.isPremiere)).toBe(true);

    // Pages in time order: `after` is the previous page's last screening (ties in time by id).
    const first = of(await repo.upcomingByCinemas([cinema], now, { limit: 2, after: null }), cinema);
    expect(first.map((s) => s.startsAt)).toEqual([now, hoursFromNow(2)]);
    const next = of(await repo.upcomingByCinemas([cinema], now, { limit: 2, after: first[1]!._id }), cinema);
    expect(next.map((s) => s.startsAt)).toEqual([hoursFromNow(5)]);
    await expect(repo.upcomingByCinemas([cinema], now, { limit: 2, after: new ObjectId() })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('pages through screenings that start at the same instant without losing or repeating one', async () => {
    const cinema = new ObjectId();
    for (let i = 0; i < 5; i++) await schedule(cinema, hoursFromNow(30));
    const seen: string[] = [];
    let after: ObjectId | null = null;
    for (let pages = 0; pages < 4; pages++) {
      const page: Array<{ _id: ObjectId }> = of(await repo.upcomingByCinemas([cinema], now, { limit: 2, after }), cinema);
      seen.push(...page.map((s) => s._id.toHexString()));
      after = page.at(-1)?._id ?? after;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it('lists upcoming screenings of movies across cinemas', async () => {
    const arrival = new ObjectId();
    await schedule(odeon, hoursFromNow(9), false, arrival);
    await schedule(astor, hoursFromNow(8), true, arrival);
    await schedule(astor, hoursFromNow(-8), false, arrival);
    const listed = of(await repo.upcomingByMovies([arrival, dune], now, all), arrival);
    expect(listed.map((s) => [s.cinemaId.toHexString(), s.startsAt])).toEqual([
      [astor.toHexString(), hoursFromNow(8)],
      [odeon.toHexString(), hoursFromNow(9)],
    ]);
    // One page per movie, cut from the batch's one query.
    const pages = await repo.upcomingByMovies([arrival, dune], now, { limit: 1, after: null });
    expect([of(pages, arrival).length, of(pages, dune).length]).toEqual([1, 1]);
  });

  it('answers a batch of parents with ONE round-trip', async () => {
    const ids = (await repo.screenings.find().toArray()).map((s) => s._id);
    t.resetCommands();
    await repo.upcomingByCinemas([odeon, astor, new ObjectId()], now, all, { premieresOnly: true });
    expect(t.commands).toEqual(['find']);
    t.resetCommands();
    await repo.upcomingByMovies([dune, new ObjectId()], now, all);
    expect(t.commands).toEqual(['find']);
    t.resetCommands();
    expect(await repo.findByIds(ids)).toHaveLength(ids.length);
    expect(t.commands).toEqual(['find']);
  });

  it('snapshots every screening’s current state as one event each, in id order, for a resync', async () => {
    const docs = await repo.screenings.find().sort({ _id: 1 }).toArray();
    const events: DomainEvent[] = [];
    for await (const e of repo.snapshot({ correlationId: 'resync:r1' })) events.push(e);

    expect(await repo.count()).toBe(docs.length);
    expect(events.map((e) => [e.aggregateId, e.aggregateVersion, e.correlationId])).toEqual(
      docs.map((d) => [d._id.toHexString(), d.version, 'resync:r1']),
    );
    events.forEach((e, i) => {
      const doc = docs[i]!;
      if (doc.cancelledAt) expect(e).toMatchObject({ type: 'screening.cancelled', data: { reason: doc.cancelReason } });
      else expect(e).toMatchObject({ type: 'screening.scheduled', data: { isPremiere: doc.isPremiere } });
    });
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['screening.scheduled', 'screening.cancelled']));
    expect(events.some((e) => e.type === 'screening.cancelled' && e.data.reason === 'movie-deleted')).toBe(true);
  });
});
