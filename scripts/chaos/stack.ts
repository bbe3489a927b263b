import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { adminHeaders, freePort, hostPort, TcpProxy, TEST_JWT_SECRET, TEST_SIGNING_SECRET, Upstreams } from '@cinema/testing';
import { deleteBrokerObjects } from '../lib/broker-cleanup';
import { brokerAdminFor, loginUrl, provisionBrokerUsers, withoutCredentials, type BrokerAccess } from '../lib/broker-users';
import { devBrokerAccess } from '../lib/dev-secrets';
import { ROOT, waitFor } from '../lib/infra';
import { startStack, SUBGRAPHS, type InstanceName, type Stack, type SubgraphName } from '../lib/stack';
import type { Databases } from '../lib/read-models';

const ready = async ({ port }: { port: number }) => (await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(1_000) })).ok;

/**
 * The stack under test, as real processes on their own databases and broker namespace, with a
 * fault-injecting TCP proxy on each path a scenario breaks: every subgraph's RabbitMQ connection,
 * movies' MongoDB (a consumer's database) and the gateway's way to each subgraph. With `instances`
 * N > 1 each subgraph runs N processes (competing consumers on the same queues, relays sweeping
 * the same outboxes: one database and one namespace per service) behind its gateway-side proxy, which
 * then balances connections over them with a readiness probe, and the gateway runs N cluster workers
 * on its port. A service's instances share its broker and database proxies: a fault there is the service's.
 */
export async function startChaosStack(mongoUrl: string, amqpUrl: string, o: { node?: string; broker?: BrokerAccess; namespace?: string; instances?: number } = {}) {
  const instances = o.instances ?? 1;
  const run = randomBytes(3).toString('hex');
  const namespace = o.namespace ?? `chaos-${run}`;
  const databases: Databases = { users: `chaos_${run}_users`, movies: `chaos_${run}_movies`, catalog: `chaos_${run}_catalog` };
  const bySubgraph = <T>(make: (s: SubgraphName) => T) => Object.fromEntries(SUBGRAPHS.map((s) => [s, make(s)])) as Record<SubgraphName, T>;
  const rabbit = bySubgraph(() => new TcpProxy(hostPort(amqpUrl, 5672)));
  const moviesMongo = new TcpProxy(hostPort(mongoUrl, 27017));
  const instancePorts = bySubgraph(() => [] as number[]);
  for (const s of SUBGRAPHS) for (let i = 0; i < instances; i++) instancePorts[s].push(await freePort());
  const subgraphs = bySubgraph((s) => new TcpProxy(new Upstreams(instancePorts[s].map((port) => ({ host: '127.0.0.1', port })), { healthy: ready })));
  const proxies = [...Object.values(rabbit), moviesMongo, ...Object.values(subgraphs)];
  await Promise.all(proxies.map((p) => p.start()));
  const gateway = await freePort();
  // The services' real users and permissions: the test run's (in `npm test`), or this checkout's
  // development users, created on whichever node chaos uses.
  const broker = o.broker ?? devBrokerAccess(withoutCredentials(amqpUrl));
  if (!o.broker) await provisionBrokerUsers(broker, o.node ? { node: o.node } : brokerAdminFor(amqpUrl));
  // A 5 s heartbeat, so a frozen consumer is noticed by the broker within a scenario.
  const amqp = (s: SubgraphName) => `${rabbit[s].urlThrough(loginUrl(broker, s))}${amqpUrl.includes('?') ? '&' : '?'}heartbeat=5`;
  // Each process's log in a file of its own, and any exit nobody asked for on record: a crash under
  // a fault is a finding, not something a restart may hide.
  const logs = join(ROOT, '.data', 'chaos-logs', namespace);
  mkdirSync(logs, { recursive: true });
  const crashes: string[] = [];
  const stack: Stack = await startStack({
    output: (instance) => createWriteStream(join(logs, `${instance}.log`), { flags: 'a' }),
    onExit: (instance, code) => crashes.push(`${instance} exited by itself (code ${code}); see ${logs}/${instance}.log`),
    mongoUrl,
    broker,
    ports: { gateway, ...bySubgraph((s) => subgraphs[s].port) },
    instancePorts,
    gatewayWorkers: instances,
    databases,
    // Bookings expire after 4 s: a fault of a few seconds (a restart of users, a partition) makes
    // some expire, so the expiry, the release and the refund of a late debit run under faults too.
    env: { LOG_LEVEL: 'warn', AMQP_NAMESPACE: namespace, GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET, JWT_SECRET: TEST_JWT_SECRET, RATE_LIMIT: '0', OUTBOX_SWEEP_MS: '500', SUBGRAPH_TIMEOUT_MS: '5000', BOOKING_TIMEOUT_MS: '4000' },
    serviceEnv: {
      users: { AMQP_URL: amqp('users') },
      movies: { AMQP_URL: amqp('movies'), MONGO_URL: moviesMongo.urlThrough(mongoUrl), ...(process.env.CHAOS_DEBUG_MONGO ? { MONGODB_LOG_TOPOLOGY: 'debug', MONGODB_LOG_CONNECTION: 'debug', MONGODB_LOG_PATH: 'stderr' } : {}) },
      catalog: { AMQP_URL: amqp('catalog') },
    },
  });
  const mongo = await new MongoClient(mongoUrl).connect();
  /** The gateway's worker processes (the primary's index.ts children), when it runs as a cluster. */
  const gatewayWorkers = () =>
    instances < 2 ? [] : spawnSync('pgrep', ['-P', String(stack.processes.get('gateway')!.pid), '-f', 'gateway/src/index\\.ts'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  /** Waits until the gateway has all its workers again (its primary replaces one that died). */
  const gatewayWorkersBack = () => waitFor(`${instances} gateway workers`, async () => gatewayWorkers().length === instances, 60_000);
  const allInstances = (): InstanceName[] => [...SUBGRAPHS.flatMap((s) => stack.instancesOf(s)), 'gateway'];
  return {
    ...stack,
    instances,
    namespace,
    databases,
    amqpUrl,
    mongo,
    proxies: { rabbit, moviesMongo, subgraphs },
    gatewayWorkers,
    gatewayWorkersBack,
    /** Unexpected exits since the last call. */
    takeCrashes: () => crashes.splice(0),
    headers: await adminHeaders(),
    /** Every path open again and every process running: the state each scenario starts and ends in. */
    async heal() {
      for (const p of proxies) p.pass();
      for (const i of allInstances()) {
        const child = stack.processes.get(i)!;
        // A frozen process gets SIGCONT (harmless to a running one); a dead one is started again.
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGCONT');
        else await stack.restart(i);
      }
      for (const pid of gatewayWorkers()) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // it exited meanwhile: the primary replaces it
        }
      }
      if (instances > 1) await gatewayWorkersBack();
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
