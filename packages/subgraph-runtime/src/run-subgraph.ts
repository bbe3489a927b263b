import type { Db } from 'mongodb';
import { z } from 'zod';
import { env, loadConfig, createLogger, type Logger, onShutdown } from '@cinema/config';
import { connectMongo, watchClient } from '@cinema/mongo';
import { type MessagingObserver, type Messaging, messagingMetrics } from '@cinema/messaging';
import { createMetrics, type ServiceMetrics, startTracing, tracingEnv } from '@cinema/telemetry';

/** The environment every subgraph reads; a service adds its own keys with `.extend()`. */
export const subgraphEnv = (name: string, port: number) =>
  z.object({
    NODE_ENV: env.nodeEnv(),
    PORT: env.port(port),
    HOST: env.host(),
    MONGO_URL: env.mongoUrl(),
    MONGO_DB: env.dbName(name),
    LOG_LEVEL: env.logLevel(),
    // The service's own broker user (<AMQP_USER_PREFIX><name>): guest is refused in production.
    AMQP_URL: z.string().regex(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL').default('amqp://guest:guest@127.0.0.1:5672'),
    AMQP_USER_PREFIX: env.amqpUserPrefix(),
    // Prefixes every exchange and queue name: isolates test runs that share one broker.
    AMQP_NAMESPACE: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).optional(),
    OUTBOX_SWEEP_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
    // This subgraph's own key: the gateway signs its requests with it (GATEWAY_SIGNING_SECRET_<NAME>
    // there), no other subgraph knows it. During a rotation the previous key is accepted too.
    GATEWAY_SIGNING_SECRET: env.secret(),
    GATEWAY_SIGNING_SECRET_PREVIOUS: z.string().min(32, 'must be at least 32 characters').optional(),
    ...tracingEnv,
  });
export type SubgraphEnv = z.infer<ReturnType<typeof subgraphEnv>>;

export interface RunnableSubgraph {
  ensureIndexes(): Promise<void>;
  listen(port: number, host: string): Promise<string>;
  stop(): Promise<void>;
}

export interface SubgraphParts {
  server: RunnableSubgraph;
  messaging: Messaging;
}

/** What the process hands a subgraph to wire: one metrics registry, fed by HTTP and messaging. */
export interface SubgraphDeps<C> {
  db: Db;
  logger: Logger;
  config: C;
  production: boolean;
  metrics: ServiceMetrics;
  observer: MessagingObserver;
  /** The server options every subgraph takes from its process and its Messaging, in one place. */
  serverWiring(messaging: Messaging): {
    production: boolean;
    gatewaySecret: string[];
    onEvents: Messaging['relay']['dispatch'];
    metrics: ServiceMetrics;
    dependencies: { rabbitmq: () => boolean };
  };
}

/** The Messaging options every subgraph reads from the same environment keys. */
export const messagingEnvOptions = (config: SubgraphEnv, logger: Logger, observer?: MessagingObserver) => ({
  url: config.AMQP_URL,
  userPrefix: config.AMQP_USER_PREFIX,
  namespace: config.AMQP_NAMESPACE,
  logger,
  sweepIntervalMs: config.OUTBOX_SWEEP_MS,
  observer,
});

/**
 * A subgraph process: validated config → logger, tracing, metrics → its own database → indexes →
 * listen → messaging, and on SIGTERM/SIGINT the reverse (drain HTTP, stop consuming and relaying,
 * close, flush spans). Exits with a one-line reason when it cannot start.
 */
export function runSubgraph<S extends ReturnType<typeof subgraphEnv>>(
  name: string,
  schema: S,
  create: (deps: SubgraphDeps<z.infer<S>>) => SubgraphParts,
): void {
  const main = async () => {
    const config = loadConfig(schema);
    const production = config.NODE_ENV === 'production';
    const brokerUser = `${config.AMQP_USER_PREFIX}${name}`;
    const login = env.brokerLoginProblem(config.AMQP_URL, brokerUser, production);
    if (login) throw new Error(`invalid configuration\n  - AMQP_URL: ${login}`);
    const logger = createLogger(name, config.LOG_LEVEL);
    const loginWarning = env.brokerLoginWarning(config.AMQP_URL, brokerUser);
    if (loginWarning) logger.warn(loginWarning);
    // Before anything else, so every span of the process goes to the provider.
    const tracing = startTracing({ serviceName: config.OTEL_SERVICE_NAME ?? name, endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, logger });
    const metrics = createMetrics(name);
    const observer = messagingMetrics(metrics);
    const mongo = await connectMongo(config.MONGO_URL, config.MONGO_DB, logger);
    const watchdog = watchClient(mongo.client, config.MONGO_URL, logger, { onReconnect: () => metrics.mongoClientReconnects.inc() });
    const { server, messaging } = create({
      db: mongo.db,
      logger,
      config,
      production,
      metrics,
      observer,
      // Mutations hand their recorded events to the relay, so they are published at once.
      serverWiring: (m) => ({
        production,
        gatewaySecret: [config.GATEWAY_SIGNING_SECRET, ...(config.GATEWAY_SIGNING_SECRET_PREVIOUS ? [config.GATEWAY_SIGNING_SECRET_PREVIOUS] : [])],
        onEvents: m.relay.dispatch,
        metrics,
        dependencies: { rabbitmq: () => m.connected },
      }),
    });
    observer.watchBacklog(() => messaging.relay.pendingDocuments());
    await server.ensureIndexes();
    await server.listen(config.PORT, config.HOST);
    // Serving does not wait for RabbitMQ: mutations record their events in the outbox meanwhile.
    messaging.start();
    onShutdown(logger, [() => server.stop(), () => messaging.stop(), async () => watchdog.stop(), () => mongo.close(), () => tracing.shutdown()]);
  };
  main().catch((err) => {
    console.error(`${name}: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
