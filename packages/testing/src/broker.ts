import { randomBytes } from 'node:crypto';
import { runId } from './run-id';

/** A namespace no other test shares: every exchange and queue name of one test gets this prefix. */
export const testNamespace = (prefix: string) => `t-${runId()}-${prefix}-${randomBytes(3).toString('hex')}`;

export const amqpUrl = () => {
  const url = process.env.AMQP_URL;
  if (!url) throw new Error('AMQP_URL is not set: run the tests through `npm test` (jest global setup)');
  return url;
};

/** Polls until `check` passes (returns truthy) or the time is up; resolves with its last value. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await check();
  while (!last && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, everyMs));
    last = await check();
  }
  return last;
}
