import { readFileSync } from 'node:fs';
import { createLogger, onShutdown } from '@cinema/config';
import { createMetrics, startTracing } from '@cinema/telemetry';
import { loadGatewayConfig } from './config';
import { startInvalidation } from './response-cache/invalidation';
import { ResponseStore } from './response-cache/store';
import { GATEWAY_NODE_OPTIONS, heapLimitDiffers } from './heap';
import { createGatewayServer } from './server';
import { startEventLink } from './subscriptions';

async function main() {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  // First: the gateway's spans (Apollo's own included) go to the provider registered here.
  const tracing = startTracing({ serviceName: config.OTEL_SERVICE_NAME ?? 'gateway', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, logger });
  let supergraphSdl: string;
  try {
    supergraphSdl = readFileSync(config.SUPERGRAPH_PATH, 'utf8');
  } catch {
    throw new Error(`cannot read the supergraph at SUPERGRAPH_PATH=${config.SUPERGRAPH_PATH}`);
  }
  const metrics = createMetrics('gateway');
  const responseCache = config.responseCache && new ResponseStore(config.responseCache);
  const invalidation =
    responseCache && startInvalidation({ url: config.amqpUrl, userPrefix: config.amqpUserPrefix, namespace: config.AMQP_NAMESPACE, store: responseCache, logger, metrics });
  const server = createGatewayServer({
    supergraphSdl,
    logger,
    production: config.production,
    subgraphUrls: config.subgraphUrls,
    bodyLimit: config.BODY_LIMIT,
    subgraphResponseLimit: config.subgraphResponseLimit,
    responseLimit: config.responseLimit,
    signingKeys: config.signingKeys,
    signingSecret: config.GATEWAY_SIGNING_SECRET,
    tokens: config.tokens,
    limits: config.limits,
    subgraphTimeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    resilience: config.resilience,
    subgraphPool: config.subgraphPool,
    dedupeRepresentations: config.dedupeRepresentations,
    dedupeInflight: config.dedupeInflight,
    inboundDedupe: config.inboundDedupe,
    jsonPieces: config.jsonPieces,
    apolloInternals: config.apolloInternals,
    admission: config.admission,
    metricsToken: config.METRICS_TOKEN,
    trustProxy: config.trustProxy,
    metrics,
    responseCache,
    subscriptions: config.subscriptions,
  });
  const live = server.subscriptions;
  const eventLink =
    live &&
    startEventLink({
      url: config.amqpUrl,
      userPrefix: config.amqpUserPrefix,
      namespace: config.AMQP_NAMESPACE,
      keys: live.keys,
      logger,
      onEvent: (event, receivedAt) => void live.hub.onEvent(event, receivedAt).catch((err) => logger.error({ err }, 'subscriptions: an event could not be dispatched')),
      onDropped: () => live.metrics.dropped.inc({ reason: 'invalid' }),
      onLinkChange: (up) => {
        live.metrics.linkUp.set(up ? 1 : 0);
        live.hub.setAvailable(up);
      },
      onBindings: (count) => live.metrics.bindings.set(count),
    });
  if (live && eventLink) live.hub.interest = eventLink.bindings;
  const heapMb = heapLimitDiffers();
  if (heapMb !== undefined) logger.warn({ heapLimitMb: heapMb, expected: GATEWAY_NODE_OPTIONS }, 'started without the gateway\'s heap limit: under load RSS grows to about twice as much (gateway/src/heap.ts)');
  if (config.production && !config.METRICS_TOKEN) logger.warn('METRICS_TOKEN is not set: /metrics is open on the client-facing port (block it at the load balancer)');
  if (config.production && !config.subscriptions && config.SUBSCRIPTIONS === 'auto') logger.warn('subscriptions are off: production without AMQP_URL (set it, or SUBSCRIPTIONS=off to say so)');
  await server.listen(config.PORT, config.HOST);
  // Drain in-flight requests (their subgraph fetches included), then flush the spans.
  onShutdown(logger, [() => server.stop(), async () => invalidation?.stop(), async () => eventLink?.stop(), () => tracing.shutdown()]);
}

main().catch((err) => {
  console.error(`gateway: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
