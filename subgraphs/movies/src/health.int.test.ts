import { MongoClient } from 'mongodb';
import { buildTopology, createBroker, type Broker } from '@cinema/messaging';
import type { SubgraphEnv } from '@cinema/subgraph-runtime';
import { amqpUrl, amqpUrlFor, eventually, hostPort, silentLogger, TcpProxy, testDatabase, testNamespace, testUserPrefix, type TestDatabase, TEST_SIGNING_SECRET } from '@cinema/testing';
import { createMoviesMessaging } from './messaging';
import { createMoviesServer } from './server';

/**
 * One movies instance whose MongoDB and RabbitMQ are reached through proxies, so each can be taken
 * away from it (and given back) without stopping the servers other tests use. Wired as index.ts does.
 */
let t: TestDatabase;
let client: MongoClient;
const mongo = new TcpProxy(hostPort(process.env.MONGO_URL!, 27017));
const amqp = new TcpProxy(hostPort(amqpUrl(), 5672));
let base: string;
let stop: () => Promise<void>;
let owner: Broker;

beforeAll(async () => {
  t = await testDatabase('health');
  await Promise.all([mongo.start(), amqp.start()]);
  client = await new MongoClient(`mongodb://127.0.0.1:${mongo.port}`, { serverSelectionTimeoutMS: 2_000 }).connect();
  const db = client.db(t.db.databaseName);
  const config: SubgraphEnv = {
    NODE_ENV: 'test', PORT: 0, HOST: '127.0.0.1', LOG_LEVEL: 'silent', MONGO_URL: `mongodb://127.0.0.1:${mongo.port}`,
    MONGO_DB: t.db.databaseName, AMQP_URL: amqp.urlThrough(amqpUrlFor('movies')), AMQP_USER_PREFIX: testUserPrefix(), AMQP_NAMESPACE: testNamespace('health'), OUTBOX_SWEEP_MS: 200,
    GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET,
  };
  // The users exchanges movies binds to: it checks them, only their owner declares them.
  owner = await createBroker(buildTopology({ url: amqpUrlFor('users'), namespace: config.AMQP_NAMESPACE, owns: 'users' }), silentLogger);
  const messaging = createMoviesMessaging(db, silentLogger, config);
  const server = createMoviesServer({ db, logger: silentLogger, gatewaySecret: TEST_SIGNING_SECRET, onEvents: messaging.relay.dispatch, dependencies: { rabbitmq: () => messaging.connected } });
  base = (await server.listen(0, '127.0.0.1')).replace('/graphql', '');
  messaging.start();
  await messaging.ready();
  stop = async () => {
    await server.stop();
    await messaging.stop();
  };
});

afterAll(async () => {
  await stop();
  await owner?.shutdown();
  await client.close();
  await Promise.all([mongo.stop(), amqp.stop()]);
  await t.drop();
});

const ready = async () => {
  const res = await fetch(`${base}/health/ready`);
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string>; dependencies: Record<string, string> } };
};
const live = async () => (await fetch(`${base}/health/live`)).status;

describe('subgraph readiness follows its database, and reports the broker without depending on it', () => {
  it('is ready when MongoDB and RabbitMQ are reachable', async () => {
    expect(await ready()).toEqual({ status: 200, body: { status: 'ok', checks: { mongo: 'ok' }, dependencies: { rabbitmq: 'ok' } } });
  });

  it('is not ready while MongoDB is away, says so, answers within the probe bound, and is ready again after', async () => {
    mongo.reset();
    const started = Date.now();
    const down = await ready();
    expect(Date.now() - started).toBeLessThan(2_500); // the driver alone would wait its server-selection timeout
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.checks.mongo).not.toBe('ok');
    expect(down.body.dependencies.rabbitmq).toBe('ok');
    expect(await live()).toBe(200); // alive: nothing a restart would fix
    mongo.pass();
    expect((await eventually(async () => (await ready()).status === 200, 15_000, 250))).toBe(true);
  });

  it('stays ready while RabbitMQ is away (mutations still succeed, their events wait in the outbox), reporting it down, and reports it back', async () => {
    amqp.reset();
    const down = await eventually(async () => {
      const r = await ready();
      return r.body.dependencies?.rabbitmq === 'down' ? r : undefined;
    }, 5_000);
    expect(down).toEqual({ status: 200, body: { status: 'ok', checks: { mongo: 'ok' }, dependencies: { rabbitmq: 'down' } } });
    amqp.pass();
    expect((await eventually(async () => (await ready()).body.dependencies?.rabbitmq === 'ok', 15_000, 250))).toBe(true);
  });
});
