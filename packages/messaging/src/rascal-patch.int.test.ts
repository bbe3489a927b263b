/**
 * patches/rascal+21.0.1.patch, against the real broker: a channel asked for between amqplib's
 * 'close' and Rascal forgetting the connection (a setImmediate later) must fail through its callback.
 * Unpatched, amqplib's IllegalOperationError was thrown inside Rascal's channel queue and ended the
 * process (seen in a chaos soak when the broker stopped). Rascal's Vhost is not public API, so this
 * reaches it by its file, as the patch does.
 */
import { promisify } from 'node:util';

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
type VhostApi = { getConfirmChannel(cb: (err?: Error, ch?: Channel) => void): void; shutdown(cb: () => void): void };

async function vhost(): Promise<VhostApi> {
  const config = rascal.withDefaultConfig({ vhosts: { '/': { connection: { url, retry: false } } } });
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
