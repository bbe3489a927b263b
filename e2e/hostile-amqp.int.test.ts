import { ObjectId } from 'mongodb';
import { MongoClient } from 'mongodb';
import type { DomainEvent } from '@cinema/events';
import { loadConfig } from '@cinema/config';
import { MONGO_CLIENT_OPTIONS } from '@cinema/mongo';
import { buildTopology, createBroker, type Broker, type Messaging } from '@cinema/messaging';
import { amqpUrl, amqpUrlFor, eventually, silentLogger, TcpProxy, testDatabase, testNamespace, testServiceEnv, type TestDatabase } from '@cinema/testing';
import { moviesEnv } from '../subgraphs/movies/src/config';
import { createMoviesMessaging } from '../subgraphs/movies/src/messaging';
import { userCreated, userProfileUpdated } from '../subgraphs/movies/src/test-user-events';
import { poisonCases } from './support/hostile/amqp-cases';
import { rawBroker } from './support/hostile/amqp-raw';
import { HostileSummary } from './support/hostile/summary';

/**
 * Hostile messages on the real `movies:user:replicate` queue: movies' messaging exactly as its
 * index.ts wires it, on a namespace of the shared RabbitMQ, its database reached through a TCP proxy
 * so a test can take it away. A raw producer publishes on the `users` exchange with real routing keys.
 */
const QUEUE = 'movies:user:replicate';
const ns = testNamespace('hostile-amqp');
const summary = new HostileSummary();
let db: TestDatabase;
let proxy: TcpProxy;
let client: MongoClient;
let movies: Messaging;
let raw: Awaited<ReturnType<typeof rawBroker>>;
let owner: Broker;
/** eventId → outcomes the consumer reported for it (applied, stale). */
const outcomes = new Map<string, string[]>();
let retries = 0;

beforeAll(async () => {
  db = await testDatabase('hostile_amqp');
  proxy = new TcpProxy({ host: '127.0.0.1', port: Number(new URL(process.env.MONGO_URL!).port || 27017) });
  await proxy.start();
  // The services' own client settings (their bounded timeouts are part of what is tested), quicker to give up.
  client = new MongoClient(`mongodb://127.0.0.1:${proxy.port}`, { ...MONGO_CLIENT_OPTIONS, serverSelectionTimeoutMS: 1_000, directConnection: true });
  const config = loadConfig(moviesEnv, testServiceEnv(ns, 'movies'));
  movies = createMoviesMessaging(client.db(db.db.databaseName), silentLogger, config, {
    observer: {
      consumed: (_q, event, outcome) => outcomes.set(event.eventId, [...(outcomes.get(event.eventId) ?? []), outcome]),
      retried: () => void retries++,
    },
  });
  raw = await rawBroker(ns);
  // The owner's exchanges exist before movies binds to them (it checks, never declares, another's).
  owner = await createBroker(buildTopology({ url: amqpUrlFor('users'), namespace: ns, owns: 'users' }), silentLogger);
  movies.start();
  await movies.ready();
}, 30_000);

afterAll(async () => {
  summary.write('amqp', { queue: QUEUE });
  await raw?.close();
  await owner?.shutdown();
  await movies?.stop();
  await client?.close();
  await proxy?.stop();
  const broker = await createBroker(buildTopology({ url: amqpUrl(), namespace: ns, owns: 'users', consumes: [QUEUE] }), silentLogger);
  await broker.nuke();
  await db?.drop();
});

const profile = (id: ObjectId) => db.db.collection('user_profiles').findOne({ _id: id });
const send = async (events: DomainEvent[]) => {
  for (const e of events) await raw.publish('users', e.type, JSON.stringify(e), e.eventId);
  await raw.confirmed();
};
const appliedOnce = (events: DomainEvent[]) => events.filter((e) => (outcomes.get(e.eventId) ?? []).filter((o) => o === 'applied').length > 1);
const shuffle = <T>(items: T[], seed = 7) => items.map((v, i) => [((i + 1) * 2_654_435_761 * seed) % 4_294_967_296, v] as const).sort((a, b) => a[0] - b[0]).map(([, v]) => v);

describe('hostile messages on a real consumer queue', () => {
  it('dead-letters every poison message with its reason; the queue keeps flowing and nothing is written', async () => {
    const victim = new ObjectId();
    const cases = poisonCases(userCreated(victim, 'Mallory'));
    for (const c of cases) await raw.publish('users', 'user.created', c.body);
    const after = userCreated(new ObjectId(), 'Good after poison');
    await send([after]);
    expect(await eventually(async () => (await profile(new ObjectId(after.aggregateId)))?.fullName === 'Good after poison', 15_000)).toBe(true);
    // Reading takes messages off the dead-letter queue, so what each poll got is kept.
    const collected: Array<{ size: number; reason: string }> = [];
    const dead = await eventually(async () => {
      collected.push(...(await raw.deadLetters(QUEUE)));
      return collected.length >= cases.length ? collected : null;
    }, 15_000);
    expect(dead?.length).toBe(cases.length);
    for (const c of cases) {
      const match = dead!.findIndex((d) => c.reason.test(d.reason));
      summary.record(c.klass, match >= 0 ? 'dead-lettered with reason' : 'NOT dead-lettered');
      expect({ klass: c.klass, found: match >= 0 }).toEqual({ klass: c.klass, found: true });
      dead!.splice(match, 1);
    }
    expect(await profile(victim)).toBeNull();
  }, 40_000);

  it('applies one of 50 exact duplicates and ignores the rest', async () => {
    const id = new ObjectId();
    const event = userCreated(id, 'Dup');
    await send(Array.from({ length: 50 }, () => event));
    expect(await eventually(() => (outcomes.get(event.eventId)?.length ?? 0) === 50, 15_000)).toBe(true);
    expect(outcomes.get(event.eventId)!.filter((o) => o === 'applied')).toHaveLength(1);
    for (let i = 0; i < 50; i++) summary.record('exact duplicates', outcomes.get(event.eventId)![i]!);
    expect(await profile(id)).toMatchObject({ fullName: 'Dup', version: 1 });
  }, 30_000);

  it('ends at the newest version when versions arrive v3, v2, v1', async () => {
    const id = new ObjectId();
    const [v1, v2, v3] = [userCreated(id, 'One'), userProfileUpdated(id, 'Two', 2), userProfileUpdated(id, 'Three', 3)];
    await send([v3, v2, v1]);
    expect(await eventually(() => [v1, v2, v3].every((e) => outcomes.has(e.eventId)), 15_000)).toBe(true);
    for (const e of [v3, v2, v1]) summary.record('out-of-order versions', outcomes.get(e.eventId)!.join('+'));
    expect(await profile(id)).toMatchObject({ fullName: 'Three', version: 3 });
    expect(appliedOnce([v1, v2, v3])).toEqual([]);
  }, 30_000);

  it('converges through a redelivery storm: 5 versions × 30 copies, shuffled, while its database is away', async () => {
    const id = new ObjectId();
    const versions = [userCreated(id, 'S1'), ...[2, 3, 4, 5].map((v) => userProfileUpdated(id, `S${v}`, v))];
    const retriesBefore = retries;
    proxy.reset();
    await send(shuffle(versions.flatMap((e) => Array.from({ length: 30 }, () => e))));
    // Every handling fails now and is retried with backoff; then the database comes back.
    await eventually(() => retries - retriesBefore >= 10, 15_000);
    proxy.pass();
    const total = () => versions.reduce((n, e) => n + (outcomes.get(e.eventId)?.length ?? 0), 0);
    // Convergence within the product's own bounds: a write that was on a connection the reset
    // dropped unseen waits out the socket timeout (writes are never given up early: projection.ts),
    // then its events take their retry's defer (5 s at most). Seen once in a clean-clone CI run:
    // not all 150 handled 40 s after the database came back.
    const window = MONGO_CLIENT_OPTIONS.socketTimeoutMS + 20_000;
    await eventually(() => total() === 150, window);
    expect({ handled: total(), perVersion: versions.map((e) => outcomes.get(e.eventId)?.length ?? 0) }).toEqual({ handled: 150, perVersion: [30, 30, 30, 30, 30] });
    expect(retries - retriesBefore).toBeGreaterThanOrEqual(10);
    expect(await profile(id)).toMatchObject({ fullName: 'S5', version: 5 });
    expect(appliedOnce(versions)).toEqual([]);
    for (const e of versions) for (const o of outcomes.get(e.eventId)!) summary.record('redelivery storm', o);
    summary.record('redelivery storm: retries while the database was away', `${retries - retriesBefore} retries`);
    expect(await raw.deadLetters(QUEUE)).toEqual([]);
    expect(movies.connected).toBe(true);
  }, MONGO_CLIENT_OPTIONS.socketTimeoutMS + 50_000);
});
