import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { exitWithin, freePort, silentLogger, testDatabase, type TestDatabase } from '@cinema/testing';
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
