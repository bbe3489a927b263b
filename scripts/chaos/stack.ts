import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { adminHeaders, freePort, hostPort, TcpProxy, TEST_JWT_SECRET, TEST_SIGNING_SECRET } from '@cinema/testing';
import { deleteBrokerObjects } from '../lib/broker-cleanup';
import { brokerAdminFor, loginUrl, provisionBrokerUsers, withoutCredentials, type BrokerAccess } from '../lib/broker-users';
import { devBrokerAccess } from '../lib/dev-secrets';
import { ROOT } from '../lib/infra';
import { startStack, SUBGRAPHS, type ServiceName, type Stack } from '../lib/stack';
import type { Databases } from '../lib/read-models';


/**
 * The stack under test, as real processes on their own databases and broker namespace, with a
 * fault-injecting TCP proxy on each path a scenario breaks: every subgraph's RabbitMQ connection,
 * movies' MongoDB (a consumer's database) and the gateway's way to users (a subgraph).
 */
export async function startChaosStack(mongoUrl: string, amqpUrl: string, o: { node?: string; broker?: BrokerAccess; namespace?: string } = {}) {
  const run = randomBytes(3).toString('hex');
  const namespace = o.namespace ?? `chaos-${run}`;
  const databases: Databases = { users: `chaos_${run}_users`, movies: `chaos_${run}_movies`, catalog: `chaos_${run}_catalog` };
  const rabbit = Object.fromEntries(SUBGRAPHS.map((s) => [s, new TcpProxy(hostPort(amqpUrl, 5672))])) as Record<(typeof SUBGRAPHS)[number], TcpProxy>;
  const moviesMongo = new TcpProxy(hostPort(mongoUrl, 27017));
  const proxies = [...Object.values(rabbit), moviesMongo];
  await Promise.all(proxies.map((p) => p.start()));
  const [gateway, users, movies, catalog] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const usersProxy = new TcpProxy({ host: '127.0.0.1', port: users });
  await usersProxy.start();
  proxies.push(usersProxy);
  // The services' real users and permissions: the test run's (in `npm test`), or this checkout's
  // development users, created on whichever node chaos uses.
  const broker = o.broker ?? devBrokerAccess(withoutCredentials(amqpUrl));
  if (!o.broker) await provisionBrokerUsers(broker, o.node ? { node: o.node } : brokerAdminFor(amqpUrl));
  // A 5 s heartbeat, so a frozen consumer is noticed by the broker within a scenario.
  const amqp = (s: (typeof SUBGRAPHS)[number]) => `${rabbit[s].urlThrough(loginUrl(broker, s))}${amqpUrl.includes('?') ? '&' : '?'}heartbeat=5`;
  // Each service's log in a file of its own, and any exit nobody asked for on record: a crash under
  // a fault is a finding, not something a restart may hide.
  const logs = join(ROOT, '.data', 'chaos-logs', namespace);
  mkdirSync(logs, { recursive: true });
  const crashes: string[] = [];
  const stack: Stack = await startStack({
    output: (service: ServiceName) => createWriteStream(join(logs, `${service}.log`), { flags: 'a' }),
    onExit: (service, code) => crashes.push(`${service} exited by itself (code ${code}); see ${logs}/${service}.log`),
    mongoUrl,
    broker,
    ports: { gateway, users, movies, catalog },
    databases,
    // Bookings expire after 4 s: a fault of a few seconds (a restart of users, a partition) makes
    // some expire, so the expiry, the release and the refund of a late debit run under faults too.
    env: { LOG_LEVEL: 'warn', AMQP_NAMESPACE: namespace, GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET, JWT_SECRET: TEST_JWT_SECRET, RATE_LIMIT: '0', OUTBOX_SWEEP_MS: '500', SUBGRAPH_TIMEOUT_MS: '5000', BOOKING_TIMEOUT_MS: '4000' },
    serviceEnv: {
      users: { AMQP_URL: amqp('users') },
      movies: { AMQP_URL: amqp('movies'), MONGO_URL: moviesMongo.urlThrough(mongoUrl), ...(process.env.CHAOS_DEBUG_MONGO ? { MONGODB_LOG_TOPOLOGY: 'debug', MONGODB_LOG_CONNECTION: 'debug', MONGODB_LOG_PATH: 'stderr' } : {}) },
      catalog: { AMQP_URL: amqp('catalog') },
      gateway: { SUBGRAPH_URL_USERS: `http://127.0.0.1:${usersProxy.port}/graphql` },
    },
  });
  const mongo = await new MongoClient(mongoUrl).connect();
  return {
    ...stack,
    namespace,
    databases,
    amqpUrl,
    mongo,
    proxies: { rabbit, moviesMongo, users: usersProxy },
    /** Unexpected exits since the last call. */
    takeCrashes: () => crashes.splice(0),
    headers: await adminHeaders(),
    /** Every path open again and every process running: the state each scenario starts and ends in. */
    async heal() {
      for (const p of proxies) p.pass();
      for (const s of ['users', 'movies', 'catalog', 'gateway'] as const) {
        const child = stack.processes.get(s)!;
        // A frozen process gets SIGCONT (harmless to a running one); a dead one is started again.
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGCONT');
        else await stack.restart(s);
      }
    },
    async stop() {
      await stack.stop();
      await Promise.all(proxies.map((p) => p.stop()));
      await deleteBrokerObjects(amqpUrl, `${namespace}:`);
      await Promise.all(Object.values(databases).map((d) => mongo.db(d).dropDatabase().catch(() => undefined)));
      await mongo.close();
    },
  };
}
export type ChaosStack = Awaited<ReturnType<typeof startChaosStack>>;
