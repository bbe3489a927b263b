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
export function createSubgraphServer<C extends RequestContext>(options: SubgraphOptions<C>) {
  const { typeDefs, resolvers, ...http } = options;
  const schema = buildSubgraphSchema([{ typeDefs, resolvers }]);
  const server: GraphQLHttpServer = createGraphQLHttpServer<C>({
    ...http,
    // No Apollo Studio here: federated tracing would only cost time on every request.
    apollo: { schema, plugins: [ApolloServerPluginInlineTraceDisabled()] },
  });
  // `schema` and `createContext` let tests run the subgraph in-process behind the gateway.
  return { ...server, schema, createContext: (base: RequestContext) => options.context(base) };
}
