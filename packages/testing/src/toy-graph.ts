import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { RequestContext } from '@cinema/serving';
import { createSubgraphServer } from '@cinema/subgraph-runtime';
import { TEST_SIGNING_SECRET } from './auth';
import { silentLogger } from './logger';

/**
 * A graph that has nothing to do with cinemas, to prove the gateway serves any supergraph: one
 * subgraph with a greeting, a field that fails with internal details, a slow field (timeouts), a
 * self-nesting type (depth and cost limits) and a field only admins may read. It counts the
 * requests that reach it, so a test can prove the gateway refused something before calling it.
 */
export const TOY_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@requiresScopes"])
  type Query {
    hello(name: String!): String!
    broken: String
    slow(ms: Int!): String
    node: Node
    secret: String @requiresScopes(scopes: [["admin"]])
    whoami: String
  }
  type Node { id: ID!  next: Node  items(first: Int): [Node!]! }
`;
const typeDefs = parse(TOY_SDL);
const node = (depth: number): Record<string, unknown> => ({
  id: `n${depth}`,
  next: () => node(depth + 1),
  items: ({ first }: { first?: number }) => Array.from({ length: Math.min(first ?? 1, 10) }, () => node(depth + 1)),
});
const resolvers = {
  Query: {
    hello: (_: unknown, { name }: { name: string }) => `hello, ${name}`,
    broken: () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:27017 at /srv/app/secret.js');
    },
    slow: (_: unknown, { ms }: { ms: number }) => new Promise((r) => setTimeout(() => r(`slept ${ms}`), ms)),
    node: () => node(0),
    secret: () => 'for admins',
    // What the subgraph was told about the caller: proves which identity crossed the signed hop.
    whoami: (_: unknown, __: unknown, ctx: RequestContext) => (ctx.identity ? `${ctx.identity.sub} [${ctx.identity.scopes.join(' ')}]` : 'anonymous'),
  },
};

export async function startToyGraph() {
  const subgraph = createSubgraphServer<RequestContext>({
    logger: silentLogger,
    production: false,
    name: 'greetings',
    gatewaySecret: TEST_SIGNING_SECRET,
    typeDefs,
    resolvers,
    context: (base) => base,
    checks: {},
  });
  let requests = 0;
  subgraph.httpServer.on('request', () => requests++);
  const url = await subgraph.listen(0, '127.0.0.1');
  const result = composeServices([{ name: 'greetings', url, typeDefs }]);
  if (result.errors) throw result.errors[0];
  const supergraphPath = join(tmpdir(), `toy-supergraph-${process.pid}-${Date.now()}.graphql`);
  writeFileSync(supergraphPath, result.supergraphSdl);
  return { subgraph, subgraphUrl: url, supergraphSdl: result.supergraphSdl, supergraphPath, requests: () => requests };
}
