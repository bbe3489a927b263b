import { randomBytes } from 'node:crypto';
import { TEST_SIGNING_SECRET } from './auth';
import { runId } from './run-id';

/** A namespace no other test shares: every exchange and queue name of one test gets this prefix. */
export const testNamespace = (prefix: string) => `t-${runId()}-${prefix}-${randomBytes(3).toString('hex')}`;

export const amqpUrl = () => {
  const url = process.env.AMQP_URL;
  if (!url) throw new Error('AMQP_URL is not set: run the tests through `npm test` (jest global setup)');
  return url;
};

/**
 * The environment a subgraph process would get in a test: this run's database server and broker,
 * its own namespace, a quick outbox sweep, no logs. Feed it to the service's `loadConfig`.
 */
export const testServiceEnv = (namespace: string): NodeJS.ProcessEnv => ({
  MONGO_URL: process.env.MONGO_URL,
  AMQP_URL: amqpUrl(),
  AMQP_NAMESPACE: namespace,
  OUTBOX_SWEEP_MS: '100',
  LOG_LEVEL: 'silent',
  GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET,
});

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
