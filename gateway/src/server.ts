import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { createGraphQLHttpServer, type Logger, type RequestContext, type ServiceMetrics } from '@cinema/service-kit';
import { createFetchTelemetry } from './fetch-telemetry';
import { SubgraphHealth, type SubgraphHealthOptions } from './subgraph-health';

export interface GatewayServerOptions {
  supergraphSdl: string;
  logger: Logger;
  production?: boolean;
  /** Routing URL overrides by subgraph name (lower-case). */
  subgraphUrls?: Record<string, string>;
  /** Replaces the HTTP data source, e.g. to run subgraphs in-process in tests. */
  buildService?: (subgraph: { name: string; url?: string }) => GraphQLDataSource;
  bodyLimit?: string;
  /** The process's metrics registry (GET /metrics, subgraph fetch latency). */
  metrics?: ServiceMetrics;
  /** How subgraph readiness is polled; only for HTTP subgraphs (not a custom buildService). */
  subgraphHealth?: SubgraphHealthOptions;
}

/** Passes the request id on, so one request can be followed through every subgraph's logs. */
class TracedDataSource extends RemoteGraphQLDataSource<RequestContext> {
  override willSendRequest({ request, context }: Parameters<RemoteGraphQLDataSource<RequestContext>['willSendRequest'] & {}>[0]) {
    if (context?.requestId) request.http?.headers.set('x-request-id', context.requestId);
  }
}

/** Builds (does not start) the gateway over a static supergraph; any supergraph works. */
export function createGatewayServer(options: GatewayServerOptions) {
  const { logger, subgraphUrls = {} } = options;
  let loaded = false;
  const health = new SubgraphHealth(options.subgraphHealth);
  const instrumentFetch = createFetchTelemetry(options.metrics);
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger,
    buildService:
      options.buildService ??
      (({ name, url }) => {
        const target = subgraphUrls[name.toLowerCase()] ?? url;
        if (target) health.register(name, target);
        return new TracedDataSource({ url: target, fetcher: instrumentFetch(name, fetch) });
      }),
  });
  gateway.onSchemaLoadOrUpdate(() => {
    loaded = true;
  });
  return createGraphQLHttpServer<RequestContext>({
    logger,
    production: options.production ?? false,
    bodyLimit: options.bodyLimit,
    apollo: { gateway },
    context: (base) => base,
    metrics: options.metrics,
    checks: () => ({ supergraph: () => loaded, ...health.checks() }),
  });
}
