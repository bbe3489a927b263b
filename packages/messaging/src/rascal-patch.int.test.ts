/**
 * patches/rascal+21.0.1.patch, against the real broker: a channel asked for between amqplib's
 * 'close' and Rascal forgetting the connection (a setImmediate later) must fail through its callback.
 * Unpatched, amqplib's IllegalOperationError was thrown inside Rascal's channel queue and ended the
 * process (seen in a chaos soak when the broker stopped). Rascal's Vhost is not public API, so this
 * reaches it by its file, as the patch does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { hostPort, TcpProxy } from '@cinema/testing';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const configure = require('rascal/lib/config/configure');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validate = require('rascal/lib/config/validate');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Vhost = require('rascal/lib/amqp/Vhost');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rascal = require('rascal');

const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

type Channel = { connection: { once(e: string, f: () => void): void; close(cb: (e?: Error) => void): void } };
type VhostApi = {
  getConfirmChannel(cb: (err?: Error, ch?: Channel) => void): void;
  shutdown(cb: () => void): void;
  on(event: string, f: (...args: unknown[]) => void): void;
};

async function vhost(through = url, retry: unknown = false): Promise<VhostApi> {
  const config = rascal.withDefaultConfig({ vhosts: { '/': { connection: { url: through, retry } } } });
  const ready = await promisify(validate)(await promisify(configure)(config));
  return promisify(Vhost.create)((ready as { vhosts: Record<string, unknown> }).vhosts['/'], {});
}

test('a confirm channel asked for as the connection closes fails through its callback, and nothing is thrown', async () => {
  const uncaught: Error[] = [];
  const onUncaught = (err: Error) => uncaught.push(err);
  // jest turns an uncaught exception into a failed test too; this listener makes the reason plain.
  process.on('uncaughtException', onUncaught);
  const v = await vhost();
  try {
    const first = await promisify(v.getConfirmChannel)();
    const late = new Promise<Error | string | undefined>((done) => {
      setTimeout(() => done('no callback within 5 s'), 5_000).unref();
      // Runs after amqplib has marked the connection closed and before Rascal's setImmediate forgets it:
      // Rascal's channel queue starts its work in a microtask, inside that window.
      first!.connection.once('close', () => v.getConfirmChannel((err) => done(err)));
    });
    first!.connection.close(() => undefined);
    const err = await late;
    await new Promise((r) => setTimeout(r, 50));
    expect(uncaught.map(String)).toEqual([]);
    expect(err instanceof Error ? err.message : err).toMatch(/closed/i);
  } finally {
    process.off('uncaughtException', onUncaught);
    await Promise.race([new Promise<void>((r) => v.shutdown(() => r())), new Promise((r) => setTimeout(r, 2_000).unref())]);
  }
});

/**
 * The second change: a vhost shut down while it was reconnecting. Unpatched, the reconnect already
 * under way finished after the shutdown and kept its connection: nothing closed it, it held the
 * process open, and its later loss raised an 'error' with no listener left (seen as an unhandled
 * "Unexpected close" in a jest worker). Broker#nuke shuts vhosts down without forewarning them, so
 * the patch also marks the vhost as shutting down in `shutdown`.
 */
// Rascal's own retry (its baseline): the first reconnect at once, the next one 1–2 s after a failure.
const RETRY = { min: 1000, max: 60000, factor: 2, strategy: 'exponential' };

async function reconnecting() {
  const proxy = new TcpProxy(hostPort(url, 5672));
  await proxy.start();
  try {
    return { proxy, errors: await shutDownWhileReconnecting(proxy) };
  } catch (err) {
    await proxy.stop(); // a failed step leaves nothing open for the next test
    throw err;
  }
}

async function shutDownWhileReconnecting(proxy: TcpProxy): Promise<unknown[]> {
  const v = await vhost(proxy.urlThrough(url), RETRY);
  const errors: unknown[] = [];
  v.on('error', (err) => errors.push(err));
  expect(proxy.openConnections).toBe(2); // the client's side and the broker's side of one connection
  // Drop the connection, then slow every byte: Rascal's first reconnect starts at once and its
  // handshake (several round trips, each 2 × 150 ms) is still under way 200 ms later.
  proxy.reset();
  proxy.delay(150);
  await sleep(200);
  expect(proxy.openConnections).toBe(2); // the reconnect, connecting
  // Bounded: a channel request left waiting for the connection would hold the shutdown forever.
  const shutDown = await Promise.race([new Promise<string>((r) => v.shutdown(() => r('shut down'))), sleep(2_000, 'still shutting down')]);
  expect(shutDown).toBe('shut down');
  return errors;
}

test('a reconnect under way when the vhost shuts down closes its connection instead of keeping it', async () => {
  const { proxy, errors } = await reconnecting();
  try {
    expect(errors).toHaveLength(1); // the drop
    proxy.pass();
    await sleep(3_000); // past the handshake and the topology checks
    expect(proxy.openConnections).toBe(0);
    await proxy.stop(); // an adopted connection would be lost here, and report it
    await sleep(300);
    expect(errors).toHaveLength(1);
  } finally {
    await proxy.stop();
  }
});

test('a reconnect that fails after the vhost shut down schedules no retry', async () => {
  const { proxy, errors } = await reconnecting();
  try {
    proxy.reset(); // the reconnect's handshake fails now, after the shutdown; new connections are refused
    await sleep(3_500); // past the first retry's backoff
    expect(errors).toHaveLength(1); // unpatched: a second error, and another reconnect
    expect(proxy.openConnections).toBe(0);
  } finally {
    await proxy.stop();
  }
});
