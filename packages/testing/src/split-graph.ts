import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { RequestContext } from '@cinema/serving';
import { createSubgraphServer } from '@cinema/subgraph-runtime';
import { TEST_SIGNING_SECRET } from './auth';
import { silentLogger } from './logger';
import { TcpProxy } from './tcp-proxy';

/**
 * Two real subgraphs where one contributes a field to the other's entity, as catalog contributes
 * `Movie.screenings`: `films` owns Film, `shows` adds `Film.shows`. Each is reached through a TCP
 * proxy (the test takes it away: reset, blackhole), and `shows` can drop the connection of its next
 * requests (a reset mid-request) and counts what reaches it.
 */
const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])';
const FILMS = parse(`${link}
  type Film @key(fields: "id") { id: ID!  title: String! }
  type Query { film(id: ID!): Film  films: [Film!]! }`);
const SHOWS = parse(`${link}
  type Film @key(fields: "id") { id: ID!  shows: [String!] }
  type Query { showsToday: [String!]! }
  type Mutation { addShow(name: String!): Boolean! }`);

const films = [{ id: '1', title: 'Arrival' }, { id: '2', title: 'Heat' }];

async function serve(name: string, typeDefs: ReturnType<typeof parse>, resolvers: object) {
  const server = createSubgraphServer<RequestContext>({
    logger: silentLogger, production: false, name, gatewaySecret: TEST_SIGNING_SECRET, typeDefs, resolvers: resolvers as never, context: (b) => b, checks: {},
  });
  const url = new URL(await server.listen(0, '127.0.0.1'));
  const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port) });
  await proxy.start();
  return { server, proxy, url: `http://127.0.0.1:${proxy.port}/graphql` };
}

export async function startSplitGraph() {
  let dropNext = 0;
  let showRequests = 0;
  const filmsSide = await serve('films', FILMS, {
    Query: { film: (_: unknown, { id }: { id: string }) => films.find((f) => f.id === id) ?? null, films: () => films },
    Film: { __resolveReference: (ref: { id: string }) => films.find((f) => f.id === ref.id) },
  });
  const showsSide = await serve('shows', SHOWS, {
    Query: { showsToday: () => ['20:00'] },
    Mutation: { addShow: () => true },
    Film: { __resolveReference: (ref: { id: string }) => ref, shows: (f: { id: string }) => [`${f.id} at 20:00`] },
  });
  // Before the subgraph's own listener: the request arrived, and its connection dies unanswered.
  showsSide.server.httpServer.prependListener('request', (req) => {
    if (req.url?.startsWith('/graphql')) showRequests++;
    if (dropNext > 0 && req.url?.startsWith('/graphql')) (dropNext--, req.socket.destroy());
  });
  const composed = composeServices([
    { name: 'films', url: filmsSide.url, typeDefs: FILMS },
    { name: 'shows', url: showsSide.url, typeDefs: SHOWS },
  ]);
  if (composed.errors) throw composed.errors[0];
  return {
    supergraphSdl: composed.supergraphSdl!,
    films: filmsSide.proxy,
    shows: showsSide.proxy,
    /** Requests to /graphql that reached `shows` (through the proxy) so far. */
    showRequests: () => showRequests,
    /** The next `n` requests reaching `shows` lose their connection before any answer. */
    dropNextShowRequests: (n: number) => void (dropNext = n),
    async stop() {
      for (const side of [filmsSide, showsSide]) {
        await side.proxy.stop();
        await side.server.stop();
      }
    },
  };
}
export type SplitGraph = Awaited<ReturnType<typeof startSplitGraph>>;
