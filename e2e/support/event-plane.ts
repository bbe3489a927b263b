import amqplib, { type Options } from 'amqplib';
import { loadConfig } from '@cinema/config';
import { messagingMetrics, qualify, type Messaging } from '@cinema/messaging';
import { createMetrics, type ServiceMetrics } from '@cinema/telemetry';
import { amqpUrl, amqpUrlFor, silentLogger, testDatabase, testNamespace, testServiceEnv, testUserPrefix, type TestDatabase } from '@cinema/testing';
import { catalogEnv } from '../../subgraphs/catalog/src/config';
import { createCatalogMessaging } from '../../subgraphs/catalog/src/messaging';
import { moviesEnv } from '../../subgraphs/movies/src/config';
import { createMoviesMessaging } from '../../subgraphs/movies/src/messaging';
import { usersEnv } from '../../subgraphs/users/src/config';
import { createUsersMessaging } from '../../subgraphs/users/src/messaging';

type Service = 'users' | 'movies' | 'catalog';

/**
 * The three services' messaging exactly as their index.ts wires it (each logged in as its own broker
 * user of this test run, with the permissions production gives it), on databases and a namespace of
 * one test file, each with its own metrics: what a forger meets.
 */
export async function startEventPlane(name: string) {
  const namespace = testNamespace(name);
  const dbs = {} as Record<Service, TestDatabase>;
  const metrics = {} as Record<Service, ServiceMetrics>;
  const messaging = {} as Record<Service, Messaging>;
  const create = { users: createUsersMessaging, movies: createMoviesMessaging, catalog: createCatalogMessaging };
  const envs = { users: usersEnv, movies: moviesEnv, catalog: catalogEnv };
  // All at once: a consumer checks (never declares) its owner's exchanges and retries until the
  // owner has declared them, and users and catalog each consume the other's events.
  for (const s of ['users', 'movies', 'catalog'] as const) {
    dbs[s] = await testDatabase(`${name.replace(/-/g, '_')}_${s}`);
    metrics[s] = createMetrics(s, { processMetrics: false });
    messaging[s] = create[s](dbs[s].db, silentLogger, loadConfig(envs[s], testServiceEnv(namespace, s)), { observer: messagingMetrics(metrics[s]) });
    messaging[s].start();
  }
  await Promise.all(Object.values(messaging).map((m) => m.ready()));
  /** A counter's value for these labels in one service's metrics. */
  const count = async (s: Service, metric: string, labels: Record<string, string>) => {
    const values = (await metrics[s].registry.getSingleMetric(metric)!.get()).values;
    return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((n, v) => n + v.value, 0);
  };
  return {
    namespace,
    dbs,
    messaging,
    q: (n: string) => qualify(n, namespace),
    deadLettered: (s: Service, queue: string, reason: string) => count(s, 'events_dead_lettered_total', { queue, reason }),
    resyncs: (s: Service, queue: string, outcome: string) => count(s, 'resync_requests_total', { queue, outcome }),
    consumed: (s: Service, queue: string, outcome: string) => count(s, 'events_consumed_total', { queue, outcome }),
    async stop() {
      for (const s of ['catalog', 'movies', 'users'] as const) await messaging[s]?.stop();
      for (const s of ['users', 'movies', 'catalog'] as const) await dbs[s]?.drop();
    },
  };
}
export type EventPlane = Awaited<ReturnType<typeof startEventPlane>>;

/**
 * Publishes one message as `role`'s broker user (or `admin`, the broker's administrator: guest on a
 * development machine), with that user as `user_id` unless `props.userId` says otherwise (null: none).
 * Resolves with 'confirmed', or with the broker's reason for closing the channel instead.
 */
export async function publishAs(role: string, exchange: string, routingKey: string, body: unknown, props: Omit<Options.Publish, 'userId'> & { userId?: string | null } = {}): Promise<string> {
  const conn = await amqplib.connect(role === 'admin' ? amqpUrl() : amqpUrlFor(role));
  conn.on('error', () => undefined);
  let refused: string | undefined;
  try {
    const ch = await conn.createConfirmChannel();
    ch.on('error', (err: Error) => (refused = err.message));
    const userId = props.userId === undefined ? (role === 'admin' ? undefined : `${testUserPrefix()}${role}`) : (props.userId ?? undefined);
    const content = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    ch.publish(exchange, routingKey, content, { persistent: true, contentType: 'application/json', ...props, userId });
    await ch.waitForConfirms();
    return refused ?? 'confirmed';
  } catch (err) {
    await new Promise((r) => setTimeout(r, 50)); // the channel's error event comes with its close
    return refused ?? (err as Error).message;
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** Takes what a consumer queue's dead-letter queue holds off it (as the administrator), with reasons and publishers. */
export async function takeDeadLetters(namespace: string, queue: string): Promise<Array<{ body: string; reason: string; publishedBy: unknown }>> {
  const conn = await amqplib.connect(amqpUrl());
  try {
    const ch = await conn.createChannel();
    const out: Array<{ body: string; reason: string; publishedBy: unknown }> = [];
    for (let m = await ch.get(qualify(`${queue}:dlq`, namespace), { noAck: true }); m; m = await ch.get(qualify(`${queue}:dlq`, namespace), { noAck: true })) {
      out.push({ body: m.content.toString(), reason: String(m.properties.headers?.rascal?.error?.message ?? ''), publishedBy: m.properties.headers?.['x-published-by'] });
    }
    return out;
  } finally {
    await conn.close().catch(() => undefined);
  }
}
