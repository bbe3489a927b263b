import { randomUUID } from 'node:crypto';
import { envelope, newEvent, type Exchange } from '@cinema/events';
import { buildTopology, createBroker, publishConfirmed, PUBLICATION, qualify, type Broker } from '@cinema/messaging';
import { createMetrics } from '@cinema/telemetry';
import { amqpUrl, amqpUrlFor, eventually, hostPort, silentLogger, TcpProxy, testNamespace, testUserPrefix } from '@cinema/testing';
import amqplib from 'amqplib';
import { startInvalidation } from './invalidation';
import { ResponseStore } from './store';

jest.setTimeout(60_000);

// Against the real RabbitMQ, through a proxy this test can cut: the store follows the connection.
// The gateway logs in as its own broker user; each owner as its own.
const namespace = testNamespace('cache-inv');
const proxy = new TcpProxy(hostPort(amqpUrl(), 5672));
const store = new ResponseStore({ maxBytes: 1_000_000, ttlMs: 60_000 });
const metrics = createMetrics('gateway', { processMetrics: false });
let invalidation: ReturnType<typeof startInvalidation>;
const owners: Partial<Record<Exchange, Broker>> = {};

beforeAll(async () => {
  await proxy.start();
  for (const owner of ['users', 'movies', 'catalog'] as const) {
    owners[owner] = await createBroker(buildTopology({ url: amqpUrlFor(owner), namespace, owns: owner }), silentLogger);
  }
  invalidation = startInvalidation({ url: proxy.urlThrough(amqpUrlFor('gateway')), userPrefix: testUserPrefix(), namespace, store, logger: silentLogger, metrics });
});
afterAll(async () => {
  await invalidation?.stop();
  for (const b of Object.values(owners)) await b?.nuke();
  await proxy.stop();
});

const id = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const movie = { id, title: 'T', durationMinutes: 90, genres: [], releaseDate: null, synopsis: null };
const keep = (key: string, tags: string[]) => store.set(key, tags, store.snapshot(tags), { data: { key } }, 10);
const publish = (content: unknown, type: string) => publishConfirmed(owners.movies!, PUBLICATION.events, content, { routingKey: type, messageId: randomUUID() });
const movieUpdated = () => newEvent('movie.updated', { id, version: 2 }, movie, { correlationId: 'cache' });
const dropped = async () => Object.fromEntries((await metrics.registry.getSingleMetric('gateway_events_dropped_total')!.get()).values.map((v) => [v.labels.reason, v.value]));

it('goes live once its queue is bound, and an event evicts its types only', async () => {
  expect(await eventually(() => store.available, 15_000)).toBe(true);
  keep('movie', ['Movie']);
  keep('city', ['City']);
  await publish(movieUpdated(), 'movie.updated');
  expect(await eventually(() => store.get('movie') === undefined, 5_000)).toBe(true);
  expect(store.get('city')).toEqual({ data: { key: 'city' } });
});

it('drops everything on an event its owner publishes that it does not know', async () => {
  keep('city', ['City']);
  const unknown = envelope({ type: 'movie.renamed', source: 'movies', aggregateType: 'movie', schemaVersion: 1, data: { id } }, { id, version: 3 }, { correlationId: 'x' });
  await publish(unknown, 'movie.renamed');
  expect(await eventually(() => store.get('city') === undefined, 5_000)).toBe(true);
});

it('drops what it cannot trust with a log line and a count, and goes on without a restart', async () => {
  keep('city', ['City']);
  keep('movie', ['Movie']);
  const before = await dropped();
  // Not JSON, not an event: from the owner itself.
  const conn = await amqplib.connect(amqpUrlFor('movies'));
  const ch = await conn.createConfirmChannel();
  const user = { userId: `${testUserPrefix()}movies` };
  ch.publish(qualify('movies', namespace), 'movie.updated', Buffer.from('this is { not json'), { ...user, contentType: 'application/json' });
  ch.publish(qualify('movies', namespace), 'movie.updated', Buffer.from('[1,2]'), { ...user, contentType: 'application/json' });
  await ch.waitForConfirms();
  await conn.close();
  // A well-formed movie event nobody but the broker's administrator published (no user_id).
  const admin = await amqplib.connect(amqpUrl());
  const ach = await admin.createConfirmChannel();
  ach.publish(qualify('movies', namespace), 'movie.updated', Buffer.from(JSON.stringify(movieUpdated())), { contentType: 'application/json' });
  await ach.waitForConfirms();
  await admin.close();
  expect(await eventually(async () => ((await dropped()).invalid ?? 0) - (before.invalid ?? 0) === 2 && ((await dropped()).forged ?? 0) - (before.forged ?? 0) === 1, 10_000)).toBe(true);
  // Nothing was evicted (a restart would have emptied the store) and the queue still works.
  expect(store.available).toBe(true);
  expect(store.get('city')).toEqual({ data: { key: 'city' } });
  expect(store.get('movie')).toEqual({ data: { key: 'movie' } });
  await publish(movieUpdated(), 'movie.updated');
  expect(await eventually(() => store.get('movie') === undefined, 5_000)).toBe(true);
});

it('answers uncached while the broker connection is down, and starts empty when it is back', async () => {
  keep('city', ['City']);
  proxy.reset();
  expect(await eventually(() => !store.available, 10_000)).toBe(true);
  expect(store.get('city')).toBeUndefined();
  proxy.pass();
  expect(await eventually(() => store.available, 20_000)).toBe(true);
  expect(store.size).toBe(0);
  // And the queue is bound again: events evict as before.
  keep('movie', ['Movie']);
  await publish(movieUpdated(), 'movie.updated');
  expect(await eventually(() => store.get('movie') === undefined, 5_000)).toBe(true);
});
