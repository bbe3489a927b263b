import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { DocumentNode } from 'graphql';
import { createGraphQLHttpServer, type GraphQLHttpOptions, type GraphQLHttpServer, type RequestContext } from './http';

export interface SubgraphOptions<C extends RequestContext>
  extends Omit<GraphQLHttpOptions<C>, 'apollo'> {
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<C>;
}

/** A Federation 2 subgraph served over HTTP with this project's error masking and health. */
export function createSubgraphServer<C extends RequestContext>(options: SubgraphOptions<C>): GraphQLHttpServer {
  const { typeDefs, resolvers, ...http } = options;
  return createGraphQLHttpServer<C>({
    ...http,
    // No Apollo Studio here: federated tracing would only cost time on every request.
    apollo: { schema: buildSubgraphSchema([{ typeDefs, resolvers }]), plugins: [ApolloServerPluginInlineTraceDisabled()] },
  });
}
