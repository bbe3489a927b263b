import { ObjectId, type Collection } from 'mongodb';
import type { DomainEvent } from '@cinema/events';
import { loadConfig } from '@cinema/config';
import { buildTopology, createBroker, Messaging, withEvent, type Broker } from '@cinema/messaging';
import { amqpUrl, amqpUrlFor, eventually, silentLogger, testDatabase, testNamespace, testServiceEnv, testUserPrefix, type TestDatabase } from '@cinema/testing';
import { catalogEnv } from './config';
import { createCatalogMessaging } from './messaging';
import { MovieReplica } from './projections/movies';
import { ScreeningRepository } from './screening/repository';
import { movieCreated, movieDeleted } from './test-events';

/**
 * Catalog's messaging against a real RabbitMQ: a stand-in for the movies subgraph publishes from
 * an outbox the way movies does, and catalog's consumer keeps its replica and screenings in step.
 */
const ns = testNamespace('catalog-msg');
let moviesDb: TestDatabase;
let catalogDb: TestDatabase;
let moviesOutbox: Collection<{ _id: ObjectId; title: string; version: number; outbox: DomainEvent[] }>;
let movies: Messaging;
let catalog: Messaging;
let users: Broker;
let replica: MovieReplica;
let screenings: ScreeningRepository;

beforeAll(async () => {
  moviesDb = await testDatabase('catalog_msg_movies');
  catalogDb = await testDatabase('catalog_msg');
  moviesOutbox = moviesDb.db.collection('movies');
  movies = new Messaging({
    url: amqpUrlFor('movies'),
    userPrefix: testUserPrefix(),
    namespace: ns,
    logger: silentLogger,
    sweepIntervalMs: 100,
    owns: { exchange: 'movies', outboxes: [moviesOutbox], snapshot: async function* () {}, count: async () => 0, leases: moviesDb.db.collection('resync_leases') },
  });
  // catalog also settles bookings from users' credit events: users' exchanges must exist (it only checks them).
  users = await createBroker(buildTopology({ url: amqpUrlFor('users'), namespace: ns, owns: 'users' }), silentLogger);
  const config = loadConfig(catalogEnv, testServiceEnv(ns, 'catalog'));
  catalog = createCatalogMessaging(catalogDb.db, silentLogger, config);
  replica = new MovieReplica(catalogDb.db);
  screenings = new ScreeningRepository(catalogDb.db);
  movies.start();
  catalog.start();
  await Promise.all([movies.ready(), catalog.ready()]);
});

afterAll(async () => {
  await Promise.all([movies.stop(), catalog.stop()]);
  await users.nuke();
  // Messaging leaves its durable exchanges and queues behind (production wants that); a test must not.
  const topology = buildTopology({ url: amqpUrl(), namespace: ns, owns: 'catalog', consumes: ['catalog:movie:replicate'] });
  for (const config of [topology, buildTopology({ url: amqpUrl(), namespace: ns, owns: 'movies' })]) {
    await (await createBroker(config, silentLogger)).nuke();
  }
  await Promise.all([moviesDb.drop(), catalogDb.drop()]);
});

/** What the movies subgraph's createMovie does: the movie and its event in one document. */
async function createMovie(title: string): Promise<ObjectId> {
  const _id = new ObjectId();
  await moviesOutbox.insertOne(withEvent({ _id, title, version: 1 }, movieCreated(_id, title)));
  return _id;
}

describe('catalog messaging (real RabbitMQ, real MongoDB wire server)', () => {
  it('replicates a movie published from the movies outbox by its sweep', async () => {
    const id = await createMovie('Dune');
    expect(await eventually(async () => (await replica.findById(id))?.title, 10_000)).toBe('Dune');
    expect(await replica.findById(id)).toMatchObject({ deleted: false, version: 1 });
    expect(await eventually(async () => (await moviesOutbox.findOne({ _id: id }))!.outbox.length === 0)).toBe(true);
  });

  it('cancels a deleted movie’s upcoming screening and publishes the cancellation', async () => {
    const id = await createMovie('Arrival');
    expect(await eventually(async () => (await replica.findById(id)) !== null, 10_000)).toBe(true);
    const tomorrow = new Date(Date.now() + 86_400_000);
    const screening = await screenings.schedule(
      { cinemaId: new ObjectId(), movieId: id, startsAt: tomorrow, isPremiere: true },
      { correlationId: 'box-office' },
    );

    const deleted = movieDeleted(id, 2);
    await moviesOutbox.updateOne({ _id: id, version: 1 }, { $set: { version: 2, outboxPending: true }, $push: { outbox: deleted } });

    const cancelled = await eventually(async () => (await screenings.findById(screening._id))?.cancelledAt, 10_000);
    expect(cancelled).toBeInstanceOf(Date);
    expect(await screenings.findById(screening._id)).toMatchObject({ version: 2, cancelReason: 'movie-deleted' });
    expect(await replica.findById(id)).toMatchObject({ title: 'Arrival', deleted: true, version: 2 });
    // Catalog's relay removes an outbox entry only once the broker confirmed it: both events went out.
    expect(await eventually(async () => (await screenings.screenings.findOne({ _id: screening._id }))!.outbox!.length === 0)).toBe(true);
  });
});
