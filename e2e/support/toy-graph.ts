import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createSubgraphServer, type RequestContext } from '@cinema/service-kit';
import { silentLogger } from '@cinema/testing';

/**
 * A graph that has nothing to do with cinemas, to prove the gateway serves any supergraph:
 * one subgraph with a greeting and a field that fails with internal details.
 */
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  type Query { hello(name: String!): String!  broken: String }
`);
const resolvers = {
  Query: {
    hello: (_: unknown, { name }: { name: string }) => `hello, ${name}`,
    broken: () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:27017 at /srv/app/secret.js');
    },
  },
};

export async function startToyGraph() {
  const subgraph = createSubgraphServer<RequestContext>({
    logger: silentLogger,
    production: false,
    typeDefs,
    resolvers,
    context: (base) => base,
    checks: {},
  });
  const url = await subgraph.listen(0, '127.0.0.1');
  const result = composeServices([{ name: 'greetings', url, typeDefs }]);
  if (result.errors) throw result.errors[0];
  const supergraphPath = join(tmpdir(), `toy-supergraph-${process.pid}-${Date.now()}.graphql`);
  writeFileSync(supergraphPath, result.supergraphSdl);
  return { subgraph, subgraphUrl: url, supergraphSdl: result.supergraphSdl, supergraphPath };
}
