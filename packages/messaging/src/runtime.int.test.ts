import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { amqpUrl, eventually, exitWithin, freePort, hostPort, silentLogger, TcpProxy, testDatabase, testNamespace, type TestDatabase } from '@cinema/testing';
import { Messaging } from './runtime';

let t: TestDatabase;
beforeAll(async () => {
  t = await testDatabase('runtime');
});
afterAll(() => t.drop());

describe('messaging while the broker is unreachable', () => {
  it('keeps retrying in the background without failing, and stops at once when asked', async () => {
    const port = await freePort(); // nothing listens there
    const messaging = new Messaging({
      url: `amqp://guest:guest@127.0.0.1:${port}`,
      logger: silentLogger,
      owns: { exchange: 'users', outboxes: [t.db.collection('users')], snapshot: async function* () {}, count: async () => 0, leases: t.db.collection('resync_leases') },
    });
    messaging.start();
    await new Promise((r) => setTimeout(r, 1_200)); // a few connection attempts
    expect(messaging.connected).toBe(false);
    const started = Date.now();
    await messaging.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('leaves nothing running after failed connection attempts: a stopped process ends by itself', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'unreachable-broker.ts')], {
      env: { ...process.env, AMQP_URL: `amqp://guest:guest@127.0.0.1:${port}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    // The window for ending is counted from 'stopped', not from the spawn: on a busy machine loading
    // the fixture through tsx alone can take most of 15 s.
    const stopped = new Promise<void>((resolve) => child.stdout!.on('data', (chunk) => (out += chunk).includes('stopped') && resolve()));
    await Promise.race([stopped, new Promise((r) => setTimeout(r, 30_000))]);
    expect(out).toContain('stopped');
    // Rascal left a keep-alive interval behind each failed attempt: the process never ended.
    expect(await exitWithin(child, 10_000)).toBe(0);
  }, 45_000);
});

describe('messaging while the broker answers too slowly to set up', () => {
  it('gives up an attempt that overruns its bound, connects on the next, and closes what the late one made', async () => {
    const proxy = new TcpProxy(hostPort(amqpUrl(), 5672));
    await proxy.start();
    // Every chunk a second late, then the first attempt's connection goes silent for good (the
    // broker took it and stopped answering) while new connections pass.
    proxy.delay(1_000);
    const messaging = new Messaging({
      url: proxy.urlThrough(amqpUrl()),
      namespace: testNamespace('setup-bound'),
      logger: silentLogger,
      setupTimeoutMs: 1_500,
      owns: { exchange: 'users', outboxes: [t.db.collection('users')], snapshot: async function* () {}, count: async () => 0, leases: t.db.collection('resync_leases') },
    });
    try {
      messaging.start();
      await new Promise((r) => setTimeout(r, 1_200));
      proxy.stallOpenConnections();
      proxy.pass();
      const started = Date.now();
      await messaging.ready();
      // Unbounded, the silent attempt would hold the start until amqplib's 10 s handshake timeout
      // (or for good, had the handshake finished before the broker went silent).
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(messaging.connected).toBe(true);
      // Nothing of the given-up attempt stays open: one connection is left (two sockets in the
      // proxy, the client's side and the broker's).
      expect(await eventually(() => proxy.openConnections === 2, 20_000)).toBe(true);
    } finally {
      await messaging.stop();
      await proxy.stop();
    }
  }, 45_000);
});
