import { ObjectId, type Collection } from 'mongodb';
import type { DomainEvent } from '@cinema/events';
import { loadConfig } from '@cinema/config';
import { buildTopology, createBroker, Messaging, withEvent } from '@cinema/messaging';
import { amqpUrl, amqpUrlFor, eventually, silentLogger, testDatabase, testNamespace, testServiceEnv, testUserPrefix, type TestDatabase } from '@cinema/testing';
import { moviesEnv } from './config';
import { createMoviesMessaging } from './messaging';
import { MovieRepository } from './movie/repository';
import { UserProfiles } from './projections/user-profiles';
import { userCreated, userDeleted, userProfileUpdated } from './test-user-events';

/**
 * Movies' messaging against a real RabbitMQ: a stand-in for the users subgraph (a Messaging that
 * owns `users` over an outbox collection of its own) and movies as `index.ts` wires it, both on one
 * throw-away namespace of the shared broker.
 */
let ns: string;
let usersDb: TestDatabase;
let moviesDb: TestDatabase;
let users: Messaging;
let movies: Messaging;
/** The part of the users subgraph's document that matters here: the user and its outbox. */
interface UserDoc {
  _id: ObjectId;
  fullName: string;
  version: number;
  outbox: DomainEvent[];
}
let userDocs: Collection<UserDoc>;
let profiles: UserProfiles;

beforeAll(async () => {
  ns = testNamespace('movies-msg');
  usersDb = await testDatabase('msg_users');
  moviesDb = await testDatabase('msg_movies');
  userDocs = usersDb.db.collection<UserDoc>('users');
  profiles = new UserProfiles(moviesDb.db);
  users = new Messaging({
    url: amqpUrlFor('users'),
    userPrefix: testUserPrefix(),
    namespace: ns,
    logger: silentLogger,
    sweepIntervalMs: 100,
    // Nothing to re-publish: the resync movies asks for while its replica is empty finds no users.
    owns: { exchange: 'users', outboxes: [userDocs], snapshot: async function* () {}, count: async () => 0, leases: usersDb.db.collection('resync_leases') },
  });
  const config = loadConfig(moviesEnv, testServiceEnv(ns, 'movies'));
  movies = createMoviesMessaging(moviesDb.db, silentLogger, config);
  users.start();
  movies.start();
  await Promise.all([users.ready(), movies.ready()]);
});

afterAll(async () => {
  await movies?.stop();
  await users?.stop();
  // Messaging does not expose its broker; the same topologies rebuilt here delete every exchange
  // and queue of the namespace (Rascal's nuke), so runs leave nothing behind on the shared broker.
  // The consumer's first: its topology checks the owner's exchanges, which the owner's nuke deletes.
  for (const topology of [
    buildTopology({ url: amqpUrl(), namespace: ns, owns: 'movies', consumes: ['movies:user:replicate'] }),
    buildTopology({ url: amqpUrl(), namespace: ns, owns: 'users' }),
  ]) {
    const broker = await createBroker(topology, silentLogger);
    await broker.nuke();
  }
  await usersDb?.drop();
  await moviesDb?.drop();
});

/** What the users subgraph does: the change and its event in one document write. The sweep does the rest. */
const createUser = (id: ObjectId, fullName: string) => userDocs.insertOne(withEvent({ _id: id, fullName, version: 1 }, userCreated(id, fullName)));
const changeUser = (id: ObjectId, fullName: string, event: DomainEvent) =>
  userDocs.updateOne({ _id: id }, { $set: { fullName, version: event.aggregateVersion, outboxPending: true }, $push: { outbox: event } });
const profile = (id: ObjectId) => profiles.collection.findOne({ _id: id });
const outboxDrained = async (c: Collection<any>, id: ObjectId) => ((await c.findOne({ _id: id }))?.outbox ?? []).length === 0;

describe('movies messaging (real RabbitMQ, real MongoDB wire server)', () => {
  it('replicates a user the users outbox publishes into user_profiles', async () => {
    const id = new ObjectId();
    await createUser(id, 'Ann');
    expect(await eventually(async () => (await profile(id))?.fullName === 'Ann', 10_000)).toBe(true);
    expect(await profile(id)).toMatchObject({ deleted: false, version: 1 });
    expect(await eventually(() => outboxDrained(userDocs, id))).toBe(true);
  });

  it('follows the profile through updates and the deletion', async () => {
    const id = new ObjectId();
    // Both events sit in the outbox together and are published concurrently, so they may arrive in
    // either order: the version guard makes that irrelevant.
    await createUser(id, 'Bob');
    await changeUser(id, 'Robert', userProfileUpdated(id, 'Robert', 2));
    expect(await eventually(async () => (await profile(id))?.version === 2, 10_000)).toBe(true);
    expect(await profile(id)).toMatchObject({ fullName: 'Robert', deleted: false });
    await changeUser(id, 'Deleted user', userDeleted(id, 3));
    expect(await eventually(async () => (await profile(id))?.deleted === true, 10_000)).toBe(true);
    expect(await profile(id)).toMatchObject({ fullName: 'Deleted user', version: 3 });
  });

  it('publishes movies` own events and empties their outbox once the broker confirmed them', async () => {
    const repo = new MovieRepository(moviesDb.db, { onEvents: movies.relay.dispatch });
    const doc = await repo.create({ title: 'Alien', durationMinutes: 117, genres: [], synopsis: null, releaseDate: null }, { correlationId: 't' });
    await repo.update(doc._id, { title: 'Aliens' }, { correlationId: 't' });
    expect(await eventually(() => outboxDrained(repo.movies, doc._id), 10_000)).toBe(true);
    expect(await repo.movies.findOne({ _id: doc._id })).toMatchObject({ title: 'Aliens', version: 2 });
  });
});
