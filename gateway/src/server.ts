import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { authorizationPlugin, createGraphQLHttpServer, type Logger, type RequestContext, type ServiceMetrics } from '@cinema/service-kit';
import { authenticate, refuseBadTokens } from './auth/authenticate';
import { acceptSecurityFeatures } from './auth/supergraph-security';
import { createTokenVerifier, type TokenOptions } from './auth/tokens';
import { createFetchTelemetry } from './fetch-telemetry';
import { KnownOperationTypes } from './known-operation-types';
import { documentLimits, rateLimitPerClient, type Limits } from './limits';
import { SubgraphDataSource } from './subgraph-fetch';
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
  /** Signs every subgraph request; the subgraphs hold the same secret. */
  signingSecret: string;
  tokens: TokenOptions;
  limits: Limits;
  subgraphTimeoutMs?: number;
  /** Express `trust proxy` (client addresses behind a load balancer). */
  trustProxy?: boolean | number | string;
  /** Protects GET /metrics on the public port (Prometheus sends it as a bearer token). */
  metricsToken?: string;
  /** The process's metrics registry (GET /metrics, subgraph fetch latency). */
  metrics?: ServiceMetrics;
  /** How subgraph readiness is polled; only for HTTP subgraphs (not a custom buildService). */
  subgraphHealth?: SubgraphHealthOptions;
}

/**
 * Builds (does not start) the gateway over a static supergraph; any supergraph works. In front of
 * Apollo's planner and executor: authentication (JWT) → rate limit → body limit → document limits
 * → the schema's @authenticated/@requiresScopes, so whatever is refused is refused before any subgraph call.
 */
export function createGatewayServer(options: GatewayServerOptions) {
  const { logger, subgraphUrls = {}, production = false } = options;
  const { sdl, policy } = acceptSecurityFeatures(options.supergraphSdl);
  let loaded = false;
  const health = new SubgraphHealth(options.subgraphHealth);
  const instrumentFetch = createFetchTelemetry(options.metrics);
  const gateway = new ApolloGateway({
    supergraphSdl: sdl,
    logger,
    buildService:
      options.buildService ??
      (({ name, url }) => {
        const target = subgraphUrls[name.toLowerCase()] ?? url;
        if (target) health.register(name, target);
        return new SubgraphDataSource({
          name,
          url: target,
          signingSecret: options.signingSecret,
          timeoutMs: options.subgraphTimeoutMs ?? 10_000,
          instrument: (fetcher) => instrumentFetch(name, fetcher),
        });
      }),
  });
  gateway.onSchemaLoadOrUpdate(() => {
    loaded = true;
  });
  const limits = documentLimits(options.limits, production);
  return createGraphQLHttpServer<RequestContext>({
    logger,
    production,
    bodyLimit: options.bodyLimit,
    beforeBody: [authenticate(createTokenVerifier(options.tokens), logger), ...rateLimitPerClient(options.limits), refuseBadTokens],
    apollo: {
      gateway,
      validationRules: [KnownOperationTypes, ...limits.validationRules],
      parseOptions: limits.parseOptions,
      plugins: [...limits.plugins, authorizationPlugin<RequestContext>(policy, { httpStatus: true })],
    },
    context: (base) => base,
    metrics: options.metrics,
    metricsToken: options.metricsToken,
    edge: true,
    trustProxy: options.trustProxy ?? false,
    checks: () => ({ supergraph: () => loaded, ...health.checks() }),
  });
}
