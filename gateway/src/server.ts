import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import type { Logger } from '@cinema/config';
import type { ServiceMetrics } from '@cinema/telemetry';
import { authorizationPlugin, createGraphQLHttpServer, type RequestContext } from '@cinema/serving';
import { Admission, type AdmissionOptions } from './admission/admission';
import { admissionMetrics } from './admission/admission-metrics';
import { ALL_ON, installApolloInternals, type ApolloSwitches } from './apollo-internals';
import { authenticate, refuseBadTokens } from './auth/authenticate';
import { acceptSecurityFeatures } from './auth/supergraph-security';
import { createTokenVerifier, type TokenOptions } from './auth/tokens';
import { readCostDirectives } from './demand-control/cost-directives';
import { demandControlPlugin } from './demand-control/plugin';
import { createFetchTelemetry } from './fetch-telemetry';
import { KnownOperationTypes } from './known-operation-types';
import { documentLimits, rateLimitPerClient, type Limits } from './limits';
import { dedupeInflight } from './inflight-dedupe';
import { inboundDedupe } from './inbound-dedupe/inbound-dedupe';
import { pooledFetcher } from './pooled-fetcher';
import { SubgraphBreakers, type ResilienceOptions } from './resilience/breakers';
import { responseCachePlugin } from './response-cache/plugin';
import type { ResponseStore } from './response-cache/store';
import { SubgraphDataSource } from './subgraph-fetch';
import { SubgraphHealth, type SubgraphHealthOptions } from './subgraph-health';
import { createSubscriptions, type SubscriptionOptions } from './subscriptions';
import type { ExecutionResult, GraphQLSchema } from 'graphql';

/**
 * SUBGRAPH_RESPONSE_LIMIT's and RESPONSE_LIMIT's default (config.ts): over a hundred times the deep
 * query's answer. The cost budget counts items, not bytes (a review body is up to 5 000 characters
 * and costs 0), so bytes need a bound of their own.
 */
const DEFAULT_BYTE_LIMIT = 16 * 1024 ** 2;

export interface GatewayServerOptions {
  supergraphSdl: string;
  logger: Logger;
  production?: boolean;
  /** Routing URL overrides by subgraph name (lower-case). */
  subgraphUrls?: Record<string, string>;
  /** Replaces the HTTP data source, e.g. to run subgraphs in-process in tests. */
  buildService?: (subgraph: { name: string; url?: string }) => GraphQLDataSource;
  bodyLimit?: string;
  /** Largest subgraph answer read, in bytes (SUBGRAPH_RESPONSE_LIMIT): a larger one fails its fetch. Default 16 MiB. */
  subgraphResponseLimit?: number;
  /** Largest answer sent to a client, in bytes (RESPONSE_LIMIT): a larger one becomes a RESPONSE_TOO_LARGE error. Default 16 MiB. */
  responseLimit?: number;
  /**
   * Signs every subgraph request: `signingKeys` by subgraph name (lower-case), each subgraph holding
   * its own; `signingSecret` for a subgraph without one (development and tests only: config.ts).
   */
  signingKeys?: Record<string, string>;
  signingSecret?: string;
  tokens: TokenOptions;
  limits: Limits;
  subgraphTimeoutMs?: number;
  /** Keep-alive undici pools to the subgraphs (default, up to `connections` sockets each); false: Node's global fetch. */
  subgraphPool?: { connections: number } | false;
  /** Identical subgraph reads in flight at once share one request (default true; needs subgraphPool). */
  dedupeInflight?: boolean;
  /** Identical queries from clients in flight at once share one execution and answer (default true; inbound-dedupe/). */
  inboundDedupe?: boolean;
  /** Each distinct entity representation once per subgraph fetch (default true). */
  dedupeRepresentations?: boolean;
  /** Answers serialized in pieces into one Buffer (serving's json-pieces.ts); default on. */
  jsonPieces?: boolean;
  /** While out of CPU, an adaptive window of requests (at least `limit`) runs at once (admission/admission.ts); off when absent or `limit` is 0. */
  admission?: AdmissionOptions;
  /** Express `trust proxy` (client addresses behind a load balancer). */
  trustProxy?: boolean | number | string;
  /** Protects GET /metrics on the public port (Prometheus sends it as a bearer token). */
  metricsToken?: string;
  /** The process's metrics registry (GET /metrics, subgraph fetch latency). */
  metrics?: ServiceMetrics;
  /** How subgraph readiness is polled (reported, never deciding the gateway's); only for HTTP subgraphs. */
  subgraphHealth?: SubgraphHealthOptions;
  /** Per-subgraph circuit breakers and read retries (resilience/); only for HTTP subgraphs. */
  resilience?: ResilienceOptions;
  /** Query responses kept until an event evicts them (response-cache/); none by default. */
  responseCache?: ResponseStore;
  /** Our changes to Apollo's internals (apollo-internals/), per process; all on by default, as in production. */
  apolloInternals?: ApolloSwitches;
  /** Subscriptions (graphql-ws and SSE on /graphql, SSE also on /graphql/stream) with these limits; none when absent. The caller feeds `subscriptions.hub`. */
  subscriptions?: SubscriptionOptions;
}

function signingKeyOf(name: string, o: Pick<GatewayServerOptions, 'signingKeys' | 'signingSecret'>): string {
  const key = o.signingKeys?.[name.toLowerCase()] ?? o.signingSecret;
  if (!key) throw new Error(`no signing key for subgraph ${name}: set GATEWAY_SIGNING_SECRET_${name.toUpperCase()}`);
  return key;
}

/**
 * Builds (does not start) the gateway over a static supergraph; any supergraph works. In front of
 * Apollo's planner and executor: authentication (JWT) → rate limit → body limit → document limits
 * → the schema's @authenticated/@requiresScopes → the cost budget (the schema's @cost/@listSize),
 * so whatever is refused is refused before any subgraph call.
 */
export function createGatewayServer(options: GatewayServerOptions) {
  const { logger, subgraphUrls = {}, production = false } = options;
  // Before Apollo answers anything; a version it was not made for gets Apollo as published.
  installApolloInternals(options.apolloInternals ?? ALL_ON, logger);
  const { sdl, policy } = acceptSecurityFeatures(options.supergraphSdl);
  let loaded = false;
  const health = new SubgraphHealth(options.subgraphHealth);
  const breakers = new SubgraphBreakers(options.resilience, options.metrics);
  const instrumentFetch = createFetchTelemetry(options.metrics);
  const pool = options.subgraphPool ?? { connections: 128 };
  const transports: ReturnType<typeof pooledFetcher>[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl: sdl,
    logger,
    buildService:
      options.buildService ??
      (({ name, url }) => {
        const target = subgraphUrls[name.toLowerCase()] ?? url;
        if (target) health.register(name, target);
        const timeoutMs = options.subgraphTimeoutMs ?? 10_000;
        const maxResponseBytes = options.subgraphResponseLimit ?? DEFAULT_BYTE_LIMIT;
        const pooled = target && pool ? pooledFetcher({ name, url: target, connections: pool.connections, timeoutMs, maxResponseBytes }) : undefined;
        if (pooled) transports.push(pooled);
        const transport = pooled && (options.dedupeInflight ?? true) ? dedupeInflight(pooled) : pooled;
        return new SubgraphDataSource({
          name,
          url: target,
          signingKey: signingKeyOf(name, options),
          timeoutMs,
          transport,
          dedupeRepresentations: options.dedupeRepresentations,
          maxResponseBytes,
          instrument: (fetcher) => instrumentFetch(name, fetcher),
          guard: target ? (fetcher) => breakers.guard(name, target, fetcher) : undefined,
          production,
        });
      }),
  });
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema }) => {
    loaded = true;
    apiSchema = schema;
  });
  const limits = documentLimits(options.limits, production);
  const verifyToken = createTokenVerifier(options.tokens);
  // Payloads are answered through this very server (run), as queries of the subscriber's.
  const subscriptions =
    options.subscriptions &&
    createSubscriptions({
      supergraphSdl: sdl,
      options: options.subscriptions,
      logger,
      metrics: options.metrics,
      policy,
      validationRules: limits.validationRules,
      parseOptions: limits.parseOptions,
      verify: verifyToken,
      tokenGraceMs: options.tokens.clockToleranceSeconds * 1000,
      schema: () => apiSchema,
      run: (query, variables, base): Promise<ExecutionResult> => server.execute(query, variables, base),
    });
  const admission = options.admission?.limit ? new Admission(options.admission) : undefined;
  if (admission && options.metrics) admissionMetrics(options.metrics.registry, admission);
  const dedupe = (options.inboundDedupe ?? true) ? inboundDedupe(options.metrics?.registry) : undefined;
  const server = createGraphQLHttpServer<RequestContext>({
    logger,
    production,
    bodyLimit: options.bodyLimit,
    responseLimit: options.responseLimit ?? DEFAULT_BYTE_LIMIT,
    jsonPieces: options.jsonPieces,
    admission,
    beforeBody: [authenticate(verifyToken, logger), ...rateLimitPerClient(options.limits), refuseBadTokens],
    share: dedupe?.sharing,
    apollo: {
      gateway,
      validationRules: [KnownOperationTypes, ...limits.validationRules],
      parseOptions: limits.parseOptions,
      plugins: [
        ...limits.plugins,
        authorizationPlugin<RequestContext>(policy, { httpStatus: true }),
        demandControlPlugin({ directives: readCostDirectives(sdl), maxCost: options.limits.maxCost, metrics: options.metrics }),
        ...(options.responseCache ? [responseCachePlugin(options.responseCache, options.metrics)] : []),
        // Last: it judges the answer as every plugin before it left it.
        ...(dedupe ? [dedupe.plugin] : []),
      ],
    },
    context: (base) => base,
    metrics: options.metrics,
    metricsToken: options.metricsToken,
    edge: true,
    trustProxy: options.trustProxy ?? false,
    // Ready when it can serve: a subgraph's outage costs its own fields (partial answers), not the
    // gateway's place behind the load balancer. Each subgraph's state is in the body.
    checks: { supergraph: () => loaded },
    readinessReport: async () => ({ subgraphs: await health.report(breakers.states()) }),
    routes: subscriptions ? subscriptions.transports.routes : [],
  });
  subscriptions?.transports.attach(server.httpServer);
  return {
    ...server,
    subscriptions,
    // After the drain: no fetch is in flight any more, so the pools' idle sockets can go.
    stop: async () => {
      await subscriptions?.transports.stop();
      await server.stop();
      breakers.stop();
      await Promise.all(transports.map((t) => t.close()));
    },
  };
}
