import { randomUUID } from 'node:crypto';
import { buildTopology, createBroker, publishConfirmed, PUBLICATION, type Broker } from '@cinema/messaging';
import { amqpUrl, eventually, hostPort, silentLogger, TcpProxy, testNamespace } from '@cinema/testing';
import { startInvalidation } from './invalidation';
import { ResponseStore } from './store';

jest.setTimeout(60_000);

// Against the real RabbitMQ, through a proxy this test can cut: the store follows the connection.
const namespace = testNamespace('cache-inv');
const proxy = new TcpProxy(hostPort(amqpUrl(), 5672));
const store = new ResponseStore({ maxBytes: 1_000_000, ttlMs: 60_000 });
let invalidation: ReturnType<typeof startInvalidation>;
let movies: Broker;

beforeAll(async () => {
  await proxy.start();
  invalidation = startInvalidation({ url: proxy.urlThrough(amqpUrl()), namespace, store, logger: silentLogger });
  movies = await createBroker(buildTopology({ url: amqpUrl(), namespace, owns: 'movies' }), silentLogger);
});
afterAll(async () => {
  await invalidation?.stop();
  await movies?.shutdown();
  await proxy.stop();
});

const keep = (key: string, tags: string[]) => store.set(key, tags, store.snapshot(tags), { data: { key } }, 10);
const publish = (type: string) => publishConfirmed(movies, PUBLICATION.events, { type }, { routingKey: type, messageId: randomUUID() });

it('goes live once its queue is bound, and an event evicts its types only', async () => {
  expect(await eventually(() => store.available, 10_000)).toBe(true);
  keep('movie', ['Movie']);
  keep('city', ['City']);
  await publish('movie.updated');
  expect(await eventually(() => store.get('movie') === undefined, 5_000)).toBe(true);
  expect(store.get('city')).toEqual({ data: { key: 'city' } });
});

it('drops everything on an event it does not know', async () => {
  keep('city', ['City']);
  await publish('movie.renamed');
  expect(await eventually(() => store.get('city') === undefined, 5_000)).toBe(true);
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
  await publish('movie.updated');
  expect(await eventually(() => store.get('movie') === undefined, 5_000)).toBe(true);
});
