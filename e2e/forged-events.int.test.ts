import { ObjectId } from 'mongodb';
import { newEvent } from '@cinema/events';
import { eventually, testUserPrefix } from '@cinema/testing';
import { MovieReplica } from '../subgraphs/catalog/src/projections/movies';
import { ScreeningRepository } from '../subgraphs/catalog/src/screening/repository';
import { publishAs, startEventPlane, takeDeadLetters, type EventPlane } from './support/event-plane';

/**
 * Each forgery of the event plane tried against the real broker, its real users and permissions, and
 * the services' messaging as index.ts wires it (docs/reliability.md, "Threats"): the effect is
 * always a refusal, by the broker or by the consumer, with a reason and a metric, and the read
 * models the forger aimed at are left as they were.
 */
const USERS_Q = 'movies:user:replicate';
const MOVIES_Q = 'catalog:movie:replicate';
let plane: EventPlane;
const user = (role: string) => `${testUserPrefix()}${role}`;

beforeAll(async () => {
  plane = await startEventPlane('forgery');
}, 60_000);
afterAll(() => plane?.stop());

const movieData = (id: string, title: string) => ({ id, title, durationMinutes: 100, genres: ['drama'], releaseDate: null, synopsis: null });
const profile = (id: string) => plane.dbs.movies.db.collection('user_profiles').findOne({ _id: new ObjectId(id) });
/** A user movies' replica holds, published the way the users relay publishes (its own user_id). */
async function knownUser(fullName: string) {
  const id = new ObjectId().toHexString();
  await plane.messaging.users.publish(newEvent('user.created', { id, version: 1 }, { id, fullName }, { correlationId: 'seed' }));
  await eventually(async () => (await profile(id))?.fullName === fullName, 10_000);
  return id;
}
/** Waits until `queue`'s dead letters hold `n` messages, and returns them. */
async function deadLetters(queue: string, n: number) {
  const got: Awaited<ReturnType<typeof takeDeadLetters>> = [];
  await eventually(async () => (got.push(...(await takeDeadLetters(plane.namespace, queue))), got.length >= n), 10_000, 100);
  return got;
}

describe('the broker refuses what a broker user may not do', () => {
  it('a service publishing on another service\'s exchange, or into a queue through the default exchange', async () => {
    const id = new ObjectId().toHexString();
    const forged = newEvent('user.profile.updated', { id, version: 2 }, { id, fullName: 'Mallory' }, { correlationId: 'forged' });
    const tries = {
      'movies → users': await publishAs('movies', plane.q('users'), forged.type, forged),
      'catalog → movies': await publishAs('catalog', plane.q('movies'), 'movie.deleted', forged),
      'gateway → catalog': await publishAs('gateway', plane.q('catalog'), 'screening.cancelled', forged),
      'operator → users': await publishAs('operator', plane.q('users'), forged.type, forged),
      'catalog → its own queue by name': await publishAs('catalog', '', plane.q(MOVIES_Q), forged),
      'users → movies\' queue by name': await publishAs('users', '', plane.q(USERS_Q), forged),
    };
    for (const [who, outcome] of Object.entries(tries)) expect({ who, outcome }).toEqual({ who, outcome: expect.stringMatching(/403 \(ACCESS-REFUSED\)/) });
    expect(tries['catalog → its own queue by name']).toMatch(/exchange 'amq\.default'/);
  });

  it('a user_id that is not the publisher\'s own login', async () => {
    const id = new ObjectId().toHexString();
    const forged = newEvent('user.created', { id, version: 1 }, { id, fullName: 'Mallory' }, { correlationId: 'forged' });
    expect(await publishAs('users', plane.q('users'), forged.type, forged, { userId: user('movies') })).toMatch(/406 \(PRECONDITION-FAILED\).*user_id property set to '.*movies' but authenticated user was '.*users'/);
    expect(await publishAs('admin', plane.q('users'), forged.type, forged, { userId: user('users') })).toMatch(/PRECONDITION-FAILED/);
    expect(await profile(id)).toBeNull();
  });
});

describe('a consumer dead-letters an event whose publisher does not own its source', () => {
  it('no user_id, or a user_id of someone else (the administrator), with the reason and a metric; the replica is untouched', async () => {
    const id = await knownUser('Ann');
    const before = await plane.deadLettered('movies', USERS_Q, 'forged');
    const rename = (v: number) => newEvent('user.profile.updated', { id, version: v }, { id, fullName: 'Mallory' }, { correlationId: 'forged' });
    expect(await publishAs('users', plane.q('users'), 'user.profile.updated', rename(2), { userId: null })).toBe('confirmed');
    expect(await publishAs('admin', plane.q('users'), 'user.profile.updated', rename(3))).toBe('confirmed');
    expect(await publishAs('admin', plane.q('users'), 'user.profile.updated', rename(4), { userId: 'guest' })).toBe('confirmed');
    const dead = await deadLetters(USERS_Q, 3);
    expect(dead.map((d) => d.reason).sort()).toEqual([
      `user.profile.updated published by "guest": only ${user('users')}, the owner of source "users", may publish it`,
      `user.profile.updated published by no user_id: only ${user('users')}, the owner of source "users", may publish it`,
      `user.profile.updated published by no user_id: only ${user('users')}, the owner of source "users", may publish it`,
    ]);
    expect(dead.map((d) => d.publishedBy).sort()).toEqual(['guest', null, null]);
    expect((await plane.deadLettered('movies', USERS_Q, 'forged')) - before).toBe(3);
    expect(await profile(id)).toMatchObject({ fullName: 'Ann', version: 1 });
  });

  it('an owner publishing another owner\'s event type (users sends a movie.deleted)', async () => {
    const before = await plane.deadLettered('movies', USERS_Q, 'forged');
    const id = new ObjectId().toHexString();
    const forged = newEvent('movie.deleted', { id, version: 2 }, { id }, { correlationId: 'forged' });
    // Routed as a user event so that it reaches movies' queue: source "movies", published by users.
    expect(await publishAs('users', plane.q('users'), 'user.deleted', forged)).toBe('confirmed');
    const [dead] = await deadLetters(USERS_Q, 1);
    expect(dead!.reason).toBe(`movie.deleted published by "${user('users')}": only ${user('movies')}, the owner of source "movies", may publish it`);
    expect((await plane.deadLettered('movies', USERS_Q, 'forged')) - before).toBe(1);
  });

  it('a forged movie.deleted cancels no screening: the administrator\'s, and the consumer\'s own way back to its queue', async () => {
    const movieId = new ObjectId();
    const replica = new MovieReplica(plane.dbs.catalog.db);
    await plane.messaging.movies.publish(newEvent('movie.created', { id: movieId.toHexString(), version: 1 }, movieData(movieId.toHexString(), 'Arrival'), { correlationId: 'seed' }));
    await eventually(async () => (await replica.findById(movieId)) !== null, 10_000);
    const screenings = new ScreeningRepository(plane.dbs.catalog.db);
    const screening = await screenings.schedule({ cinemaId: new ObjectId(), movieId, startsAt: new Date(Date.now() + 86_400_000), isPremiere: true }, { correlationId: 'box-office' });
    const before = await plane.deadLettered('catalog', MOVIES_Q, 'forged');
    const deleted = newEvent('movie.deleted', { id: movieId.toHexString(), version: 2 }, { id: movieId.toHexString() }, { correlationId: 'forged' });
    expect(await publishAs('admin', plane.q('movies'), 'movie.deleted', deleted)).toBe('confirmed');
    // catalog's user may write its retry exchange (back into its own queue): not as movies, though.
    expect(await publishAs('catalog', plane.q(`${MOVIES_Q}:retry`), 'movie.deleted', deleted)).toBe('confirmed');
    const dead = await deadLetters(MOVIES_Q, 2);
    expect(dead.map((d) => d.reason).sort()).toEqual([
      `movie.deleted published by "${user('catalog')}": only ${user('movies')}, the owner of source "movies", may publish it`,
      `movie.deleted published by no user_id: only ${user('movies')}, the owner of source "movies", may publish it`,
    ]);
    expect((await plane.deadLettered('catalog', MOVIES_Q, 'forged')) - before).toBe(2);
    expect(await screenings.findById(screening._id)).toMatchObject({ cancelledAt: null, version: 1 });
    expect(await replica.findById(movieId)).toMatchObject({ deleted: false, title: 'Arrival', version: 1 });
    // The owner's own deletion does cancel it: the path works, only the forgery was refused.
    await plane.messaging.movies.publish(deleted);
    expect(await eventually(async () => (await screenings.findById(screening._id))?.cancelledAt instanceof Date, 10_000)).toBe(true);
  });
});

describe('versions that cannot jump', () => {
  it('refuses a forged huge version with the reason and a metric, and the next real version still applies', async () => {
    const id = await knownUser('Bea');
    const before = await plane.deadLettered('movies', USERS_Q, 'implausible');
    // From the owner itself (a bug, or its credentials in the wrong hands): the version rule still holds.
    const huge = newEvent('user.profile.updated', { id, version: Number.MAX_SAFE_INTEGER }, { id, fullName: 'Frozen' }, { correlationId: 'forged' });
    await plane.messaging.users.publish(huge);
    const [dead] = await deadLetters(USERS_Q, 1);
    expect(dead!.reason).toBe(`version ${Number.MAX_SAFE_INTEGER} is ${Number.MAX_SAFE_INTEGER - 1} ahead of the 1 held (a live event may be at most 100 ahead; a resync may be any)`);
    expect((await plane.deadLettered('movies', USERS_Q, 'implausible')) - before).toBe(1);
    expect(await profile(id)).toMatchObject({ fullName: 'Bea', version: 1 });
    await plane.messaging.users.publish(newEvent('user.profile.updated', { id, version: 2 }, { id, fullName: 'Bea Two' }, { correlationId: 'real' }));
    expect(await eventually(async () => (await profile(id))?.fullName === 'Bea Two', 10_000)).toBe(true);
    expect(await profile(id)).toMatchObject({ version: 2 });
  });
});

describe('content a consumer cannot parse', () => {
  it('is dead-lettered with a metric on every consumer queue, and the queue keeps flowing', async () => {
    const before = { users: await plane.deadLettered('movies', USERS_Q, 'invalid'), movies: await plane.deadLettered('catalog', MOVIES_Q, 'invalid') };
    for (const body of ['this is { not json', '[1,2]', Buffer.from([0xff, 0xfe, 0x7b])]) {
      expect(await publishAs('users', plane.q('users'), 'user.created', body)).toBe('confirmed');
      expect(await publishAs('movies', plane.q('movies'), 'movie.created', body)).toBe('confirmed');
    }
    await deadLetters(USERS_Q, 3);
    await deadLetters(MOVIES_Q, 3);
    expect((await plane.deadLettered('movies', USERS_Q, 'invalid')) - before.users).toBe(3);
    expect((await plane.deadLettered('catalog', MOVIES_Q, 'invalid')) - before.movies).toBe(3);
    expect(await knownUser('After the garbage')).toMatch(/^[0-9a-f]{24}$/);
  });
});
