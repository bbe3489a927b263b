import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { DocumentNode } from 'graphql';
import type { Db } from 'mongodb';
import { policyFromSdl, authorizationPlugin, requireGatewaySignature, type ReadinessCheck, createGraphQLHttpServer, type GraphQLHttpOptions, type GraphQLHttpServer, type RequestContext } from '@cinema/serving';
import type { Logger } from '@cinema/config';
import type { OnEvents } from '@cinema/messaging';
import type { ServiceMetrics } from '@cinema/telemetry';

export interface SubgraphOptions<C extends RequestContext>
  extends Omit<GraphQLHttpOptions<C>, 'apollo' | 'beforeBody' | 'afterBody'> {
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<C>;
  /** This subgraph's name in the supergraph: the gateway signs it into every request. */
  name: string;
  /** The key the gateway signs this subgraph's requests with (and, during a rotation, the previous one): anything else is refused. */
  gatewaySecret: string | readonly string[];
}

/** What each service's create…Server takes from its process (index.ts) or from a test. */
export interface SubgraphServerOptions {
  db: Db;
  logger: Logger;
  production?: boolean;
  /**
   * This subgraph's own key (GATEWAY_SIGNING_SECRET; only the gateway shares it), then, during a
   * rotation, its previous one (GATEWAY_SIGNING_SECRET_PREVIOUS); unsigned requests are refused.
   */
  gatewaySecret: string | readonly string[];
  /** Publishes the events a write recorded (the messaging relay); without it they wait for a sweep. */
  onEvents?: OnEvents;
  /** The process's metrics registry (GET /metrics); none in most tests. */
  metrics?: ServiceMetrics;
  /**
   * Dependencies reported in the readiness body without deciding it, e.g. `rabbitmq` (index.ts
   * wires the messaging's): the subgraph serves while the broker is away (events wait in the
   * outbox), so the broker's outage must not take it out of its load balancer.
   */
  dependencies?: Record<string, ReadinessCheck>;
}

/**
 * A Federation 2 subgraph served over HTTP with this project's error masking and health. It answers
 * only requests the gateway signed, and enforces its own SDL's @authenticated/@requiresScopes again
 * (defence in depth: the gateway already did, but a subgraph does not rely on it).
 */
export function createSubgraphServer<C extends RequestContext>(options: SubgraphOptions<C>) {
  const { typeDefs, resolvers, gatewaySecret, name, ...http } = options;
  const schema = buildSubgraphSchema([{ typeDefs, resolvers }]);
  const keys = typeof gatewaySecret === 'string' ? [gatewaySecret] : gatewaySecret;
  const signature = requireGatewaySignature({ subgraph: name, keys, onRefused: (reason) => http.metrics?.signatureRefusals.inc({ reason }) });
  const server: GraphQLHttpServer = createGraphQLHttpServer<C>({
    ...http,
    beforeBody: [signature.beforeBody],
    beforeParse: [signature.beforeParse],
    afterBody: [signature.afterBody],
    // No Apollo Studio here: federated tracing would only cost time on every request.
    apollo: { schema, plugins: [ApolloServerPluginInlineTraceDisabled(), authorizationPlugin<C>(policyFromSdl(typeDefs))] },
  });
  // `schema` and `createContext` let tests run the subgraph in-process behind the gateway.
  return { ...server, schema, createContext: (base: RequestContext) => options.context(base) };
}
