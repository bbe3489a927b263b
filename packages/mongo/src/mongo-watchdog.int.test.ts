import { MongoClient } from 'mongodb';
import pino from 'pino';
import { eventually, hostPort, TcpProxy, testDatabase, type TestDatabase } from '@cinema/testing';
import { watchClient } from './mongo-watchdog';

/**
 * The watchdog against the real MongoDB-wire server, reached through a proxy that can make the
 * service's connections go silent (a firewall that forgot them) while new connections still work.
 */
let t: TestDatabase;
let proxy: TcpProxy;
let client: MongoClient;
let stopWatchdog = () => undefined as void;
const messages: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void messages.push(JSON.parse(line).msg) });
const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer')), ms).unref())]);

beforeEach(async () => {
  t = await testDatabase('watchdog');
  proxy = new TcpProxy(hostPort(process.env.MONGO_URL!, 27017));
  await proxy.start();
  messages.length = 0;
});

afterEach(async () => {
  stopWatchdog();
  await client?.close(true);
  await proxy.stop();
  await t.drop();
});

const connect = (options: ConstructorParameters<typeof MongoClient>[1]) =>
  new MongoClient(`mongodb://127.0.0.1:${proxy.port}/`, { serverSelectionTimeoutMS: 2_000, ...options }).connect();

it('reconnects a client stuck on dead connections while the database answers a new client, keeping its handles', async () => {
  // Without socket or connect timeouts nothing in the driver gives up on a silent connection, and with
  // one connection every later operation queues behind the one that hangs.
  client = await connect({ socketTimeoutMS: 0, connectTimeoutMS: 0, maxPoolSize: 1 });
  const docs = client.db(t.db.databaseName).collection<{ _id: string; n: number }>('docs');
  await docs.insertOne({ _id: 'a', n: 1 });
  proxy.stallOpenConnections();
  await expect(within(docs.updateOne({ _id: 'a' }, { $inc: { n: 1 } }), 3_000)).rejects.toThrow('no answer');

  let reconnects = 0;
  const url = `mongodb://127.0.0.1:${proxy.port}/`;
  ({ stop: stopWatchdog } = watchClient(client, url, logger, { intervalMs: 200, stuckAfterMs: 1_000, timeoutMs: 1_000, onReconnect: () => reconnects++ }));

  // The handle taken before the reconnect works again, and the write is applied exactly as asked.
  const applied = await eventually(() => within(docs.updateOne({ _id: 'a' }, { $inc: { n: 10 } }), 1_000).then((r) => r.modifiedCount === 1, () => false), 15_000);
  expect(applied).toBe(true);
  expect(reconnects).toBe(1);
  expect(messages).toContain('MongoDB client stuck while the database answers a new client: reconnecting it');
  // The stalled update may still be applied by the server (it reached it before the stall or not): 11 or 12.
  expect([11, 12]).toContain((await t.db.collection('docs').findOne({ _id: 'a' as never }))!.n);
}, 30_000);

it('does not reconnect while the database itself is away, and notices when it is back', async () => {
  client = await connect({ socketTimeoutMS: 1_000, connectTimeoutMS: 1_000 });
  let reconnects = 0;
  ({ stop: stopWatchdog } = watchClient(client, `mongodb://127.0.0.1:${proxy.port}/`, logger, { intervalMs: 200, stuckAfterMs: 600, timeoutMs: 500, onReconnect: () => reconnects++ }));
  proxy.blackhole();
  await eventually(() => messages.length > 0, 10_000);
  expect(messages).toEqual(['MongoDB unreachable (a new client cannot reach it either); waiting']);
  proxy.pass();
  await eventually(() => messages.includes('MongoDB answers again'), 15_000);
  expect(messages).toContain('MongoDB answers again');
  expect(reconnects).toBe(0);
}, 30_000);

it('leaves a slow client alone while it still finishes operations, even though its pings time out', async () => {
  client = await connect({ socketTimeoutMS: 10_000 });
  const docs = client.db(t.db.databaseName).collection<{ _id: string; n: number }>('docs');
  await docs.insertOne({ _id: 'a', n: 0 });
  let reconnects = 0;
  // The probe goes straight to the database, so only the progress rule keeps the watchdog quiet.
  ({ stop: stopWatchdog } = watchClient(client, process.env.MONGO_URL!, logger, { intervalMs: 200, stuckAfterMs: 4_000, timeoutMs: 500, onReconnect: () => reconnects++ }));
  proxy.delay(700); // each operation takes ~1.4 s: every 500 ms ping fails
  const until = Date.now() + 8_000;
  let done = 0;
  while (Date.now() < until) {
    await docs.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
    done++;
  }
  expect(done).toBeGreaterThan(2);
  expect(reconnects).toBe(0);
  expect(messages).not.toContain('MongoDB client stuck while the database answers a new client: reconnecting it');
  expect((await t.db.collection('docs').findOne({ _id: 'a' as never }))!.n).toBe(done);
}, 30_000);
