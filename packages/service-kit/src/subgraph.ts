import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { DocumentNode } from 'graphql';
import { policyFromSdl } from './auth/policy';
import { authorizationPlugin } from './auth/policy-plugin';
import { requireGatewaySignature } from './auth/request-signing';
import { createGraphQLHttpServer, type GraphQLHttpOptions, type GraphQLHttpServer, type RequestContext } from './http';

export interface SubgraphOptions<C extends RequestContext>
  extends Omit<GraphQLHttpOptions<C>, 'apollo' | 'beforeBody' | 'afterBody'> {
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<C>;
  /** The secret the gateway signs its requests with: anything else is refused. */
  gatewaySecret: string;
}

/**
 * A Federation 2 subgraph served over HTTP with this project's error masking and health. It answers
 * only requests the gateway signed, and enforces its own SDL's @authenticated/@requiresScopes again
 * (defence in depth: the gateway already did, but a subgraph does not rely on it).
 */
export function createSubgraphServer<C extends RequestContext>(options: SubgraphOptions<C>) {
  const { typeDefs, resolvers, gatewaySecret, ...http } = options;
  const schema = buildSubgraphSchema([{ typeDefs, resolvers }]);
  const server: GraphQLHttpServer = createGraphQLHttpServer<C>({
    ...http,
    afterBody: [requireGatewaySignature(gatewaySecret)],
    // No Apollo Studio here: federated tracing would only cost time on every request.
    apollo: { schema, plugins: [ApolloServerPluginInlineTraceDisabled(), authorizationPlugin<C>(policyFromSdl(typeDefs))] },
  });
  // `schema` and `createContext` let tests run the subgraph in-process behind the gateway.
  return { ...server, schema, createContext: (base: RequestContext) => options.context(base) };
}
