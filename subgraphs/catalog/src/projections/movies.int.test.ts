import { ObjectId } from 'mongodb';
import { newEvent, type DomainEvent } from '@cinema/events';
import { PermanentError } from '@cinema/messaging';
import { silentLogger, testDatabase, type TestDatabase } from '@cinema/testing';
import { ScreeningRepository } from '../screening/repository';
import { movieCreated, movieDeleted, movieUpdated } from '../test-events';
import { movieEventHandler } from './movie-handler';
import { MovieReplica } from './movies';

let t: TestDatabase;
let movies: MovieReplica;
let screenings: ScreeningRepository;
let handle: (event: DomainEvent) => Promise<unknown>;
const now = new Date('2030-06-01T00:00:00Z');
const hoursFromNow = (h: number) => new Date(now.getTime() + h * 3_600_000);
const cinema = new ObjectId();
const request = { correlationId: 'box-office' };

const stored = (id: ObjectId | string) => movies.findById(new ObjectId(id));
const schedule = (movieId: ObjectId, startsAt: Date) =>
  screenings.schedule({ cinemaId: cinema, movieId, startsAt, isPremiere: false }, request);
const cancellations = async () =>
  (await screenings.screenings.find().toArray()).flatMap((s) => (s.outbox ?? []).filter((e) => e.type === 'screening.cancelled'));

beforeAll(async () => {
  t = await testDatabase('catalog_movies_replica');
  movies = new MovieReplica(t.db);
  screenings = new ScreeningRepository(t.db, { now: () => now });
  await screenings.ensureIndexes();
  const handler = movieEventHandler({ movies, screenings });
  handle = (event) => handler(event, silentLogger);
});
afterAll(() => t.drop());

describe('catalog’s replica of movies (real MongoDB wire server)', () => {
  it('starts empty, then applies an event once', async () => {
    expect(await movies.isEmpty()).toBe(true);
    const id = new ObjectId();
    const created = movieCreated(id, 'Dune', 1);
    await handle(created);
    expect(await movies.isEmpty()).toBe(false);
    expect(await stored(id)).toEqual({
      _id: id,
      title: 'Dune',
      durationMinutes: 120,
      genres: ['drama'],
      releaseDate: '2029-05-01',
      deleted: false,
      version: 1,
      eventAt: new Date(created.occurredAt),
    });
  });

  it('ignores duplicates and older versions', async () => {
    const id = new ObjectId();
    expect(await movies.apply(movieCreated(id, 'Heat', 1))).toBe('applied');
    const v2 = movieUpdated(id, 'Heat (1995)', 2);
    expect(await movies.apply(v2)).toBe('applied');
    const after = await stored(id);

    expect(await movies.apply(v2)).toBe('stale'); // the same event redelivered
    expect(await movies.apply(movieUpdated(id, 'Heat (redo)', 2))).toBe('stale'); // same version, other event
    expect(await movies.apply(movieCreated(id, 'Heat', 1))).toBe('stale'); // older, arriving late
    expect(await stored(id)).toEqual(after);
    expect(after).toMatchObject({ title: 'Heat (1995)', version: 2 });
  });

  it('keeps a deleted movie’s last state and ignores a movie.updated arriving after the deletion', async () => {
    const id = new ObjectId();
    await handle(movieCreated(id, 'Alien', 1));
    await handle(movieUpdated(id, 'Alien (director’s cut)', 2));
    await handle(movieDeleted(id, 3));
    await handle(movieUpdated(id, 'Alien (late)', 2));
    expect(await stored(id)).toMatchObject({ title: 'Alien (director’s cut)', durationMinutes: 125, deleted: true, version: 3 });
  });

  it('records a deletion it sees before any other event of the movie as a bare tombstone', async () => {
    const id = new ObjectId();
    await handle(movieDeleted(id, 4));
    await handle(movieCreated(id, 'Too late', 1));
    const doc = await stored(id);
    expect(doc).toMatchObject({ deleted: true, version: 4 });
    expect(doc!.title).toBeUndefined();
  });

  it('on movie.deleted cancels only that movie’s upcoming screenings still on, once, with one event each', async () => {
    const arrival = new ObjectId();
    const other = new ObjectId();
    await handle(movieCreated(arrival, 'Arrival', 1));
    await handle(movieCreated(other, 'Other', 1));
    const past = await schedule(arrival, hoursFromNow(-3));
    const tonight = await schedule(arrival, hoursFromNow(5));
    const nextWeek = await schedule(arrival, hoursFromNow(24 * 7));
    const alreadyCancelled = await schedule(arrival, hoursFromNow(6));
    await screenings.cancel(alreadyCancelled._id, 'cancelled', request);
    const otherMovie = await schedule(other, hoursFromNow(5));
    const before = (await cancellations()).length;

    const deleted = movieDeleted(arrival, 2);
    await handle(deleted);

    const byId = async (id: ObjectId) => (await screenings.findById(id))!;
    expect((await byId(tonight._id)).cancelReason).toBe('movie-deleted');
    expect((await byId(nextWeek._id)).cancelReason).toBe('movie-deleted');
    expect(await byId(past._id)).toMatchObject({ cancelledAt: null, version: 1 });
    expect(await byId(alreadyCancelled._id)).toMatchObject({ cancelReason: 'cancelled', version: 2 });
    expect(await byId(otherMovie._id)).toMatchObject({ cancelledAt: null, version: 1 });

    expect(await cancellations()).toHaveLength(before + 2);
    const recorded = (await cancellations()).filter((e) => e.causationId === deleted.eventId);
    expect(recorded.map((e) => [e.aggregateId, e.aggregateVersion, e.data, e.correlationId, e.causationId]).sort()).toEqual(
      [tonight, nextWeek]
        .map((s) => [
          s._id.toHexString(),
          2,
          { id: s._id.toHexString(), cinemaId: cinema.toHexString(), movieId: arrival.toHexString(), startsAt: s.startsAt.toISOString(), reason: 'movie-deleted' },
          deleted.correlationId,
          deleted.eventId,
        ])
        .sort(),
    );

    // Redelivered (e.g. after a crash before the ack): the projection calls it stale, the
    // cancellation pass runs again and finds nothing left to cancel.
    await handle(deleted);
    expect(await cancellations()).toHaveLength(before + 2);
    expect((await byId(tonight._id)).version).toBe(2);
  });

  it('finishes the cancellations when the deletion was applied but the screenings were not cancelled yet', async () => {
    const id = new ObjectId();
    await handle(movieCreated(id, 'Crash test', 1));
    const s = await schedule(id, hoursFromNow(1));
    const deleted = movieDeleted(id, 2);
    expect(await movies.apply(deleted)).toBe('applied'); // the projection write, then a "crash"
    await handle(deleted); // the redelivery
    expect(await screenings.findById(s._id)).toMatchObject({ cancelReason: 'movie-deleted', version: 2 });
  });

  it('rejects for good an event whose aggregate id is not a movie id, writing nothing', async () => {
    const bad = newEvent('movie.created', { id: 'not-an-object-id', version: 1 }, { id: 'a'.repeat(24), title: 'X', durationMinutes: 1, genres: [], releaseDate: null, synopsis: null }, request);
    const count = await movies.movies.countDocuments();
    await expect(handle(bad)).rejects.toBeInstanceOf(PermanentError);
    await expect(handle({ ...movieDeleted(new ObjectId(), 1), aggregateId: `${'b'.repeat(24)}0` })).rejects.toBeInstanceOf(PermanentError);
    expect(await movies.movies.countDocuments()).toBe(count);
  });

  it('loads many movies by id in a single round-trip', async () => {
    const ids = (await movies.movies.find().toArray()).map((m) => m._id);
    t.resetCommands();
    expect(await movies.findByIds([...ids, new ObjectId()])).toHaveLength(ids.length);
    expect(t.commands).toEqual(['find']);
  });
});
