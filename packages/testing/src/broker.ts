import { randomBytes } from 'node:crypto';
import { TEST_SIGNING_SECRET } from './auth';
import { runId } from './run-id';

/** A namespace no other test shares: every exchange and queue name of one test gets this prefix. */
export const testNamespace = (prefix: string) => `t-${runId()}-${prefix}-${randomBytes(3).toString('hex')}`;

/**
 * The broker's administrator login (guest on this machine): for setting up and cleaning up, and
 * for tests that play someone who is none of the services. Services log in as `amqpUrlFor(role)`.
 */
export const amqpUrl = () => {
  const url = process.env.AMQP_URL;
  if (!url) throw new Error('AMQP_URL is not set: run the tests through `npm test` (jest global setup)');
  return url;
};

interface TestBrokerAccess {
  prefix: string;
  passwords: Record<string, string>;
  base: string;
}

const access = (): TestBrokerAccess => {
  const json = process.env.TEST_BROKER_ACCESS;
  if (!json) throw new Error('TEST_BROKER_ACCESS is not set: run the tests through `npm test` (jest global setup creates this run\'s broker users)');
  return JSON.parse(json) as TestBrokerAccess;
};

/** How this run's broker users are named (`t-<run>-`): a service's AMQP_USER_PREFIX in tests. */
export const testUserPrefix = () => access().prefix;

/**
 * The broker URL of a role (a service, `gateway`, `operator`) logged in as this run's user of it,
 * `t-<run>-<role>`, with the permissions production gives that role, within this run's namespaces.
 */
export function amqpUrlFor(role: string): string {
  const a = access();
  const url = new URL(a.base);
  url.username = encodeURIComponent(`${a.prefix}${role}`);
  url.password = encodeURIComponent(a.passwords[role] ?? '');
  return url.toString();
}

/**
 * The environment a subgraph process would get in a test: this run's database server, the broker
 * as that service's own user, its own namespace, a quick outbox sweep, no logs. Feed it to the
 * service's `loadConfig`.
 */
export const testServiceEnv = (namespace: string, service: string): NodeJS.ProcessEnv => ({
  MONGO_URL: process.env.MONGO_URL,
  AMQP_URL: amqpUrlFor(service),
  AMQP_USER_PREFIX: testUserPrefix(),
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
