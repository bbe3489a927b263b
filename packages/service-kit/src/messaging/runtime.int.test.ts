import { freePort, silentLogger, testDatabase, type TestDatabase } from '@cinema/testing';
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
      owns: { exchange: 'users', outboxes: [t.db.collection('users')], snapshot: async function* () {}, count: async () => 0 },
    });
    messaging.start();
    await new Promise((r) => setTimeout(r, 1_200)); // a few connection attempts
    expect(messaging.connected).toBe(false);
    const started = Date.now();
    await messaging.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
