import { createMetrics } from '@cinema/telemetry';
import { errorCodes, gql, must, silentLogger, testGatewaySecurity } from '@cinema/testing';
import { createGatewayServer, type GatewayServerOptions } from '../gateway/src/server';
import { committedSupergraph, startInProcessGraph } from './support/in-process';
import { sample, scrape } from './support/prometheus';
import { seedCinemaGraph } from './support/scenario';

/**
 * Demand control through the real gateway and the three real subgraphs over signed HTTP: whatever
 * the issue says is "refused before any subgraph is called" is counted at the subgraphs' sockets.
 * The budget is the default (MAX_COST 50 000); sizes come from the committed supergraph's @listSize.
 */
let graph: Awaited<ReturnType<typeof startInProcessGraph>>;

beforeAll(async () => {
  graph = await startInProcessGraph({ http: true });
  const seeded = await seedCinemaGraph(graph.url);
  // One answer of several kB: a long synopsis.
  await must(graph.url, 'mutation($i: UpdateMovieInput!, $id: ID!) { updateMovie(id: $id, input: $i) { id } }', { id: seeded.movieId, i: { synopsis: 's'.repeat(4_000) } });
}, 90_000);
afterAll(() => graph?.stop());

/** Sends one operation and says how many requests reached any subgraph meanwhile. */
async function counting(url: string, query: string, variables?: Record<string, unknown>) {
  const before = graph.subgraphRequests();
  const res = await gql(url, query, variables);
  return { res, calls: graph.subgraphRequests() - before };
}

/** Another gateway over the same three subgraphs, with its own options. */
async function withGateway(overrides: Partial<GatewayServerOptions>, run: (url: string) => Promise<void>) {
  const gateway = createGatewayServer({ supergraphSdl: committedSupergraph(), logger: silentLogger, ...testGatewaySecurity(), subgraphUrls: graph.subgraphUrls, ...overrides });
  const url = await gateway.listen(0, '127.0.0.1');
  try {
    await run(url);
  } finally {
    await gateway.stop();
  }
}

const FAN_OUT = 'query($n: Int) { movies(first: $n) { reviews(first: $n) { author { reviews(first: $n) { movie { title } } } } } }';

describe('demand control: refused before any subgraph is called', () => {
  it('counts `first` given in variables: the fan-out costs what its literal twin costs', async () => {
    const viaVariables = await counting(graph.url, FAN_OUT, { n: 100 });
    const literal = await counting(graph.url, FAN_OUT.replace('query($n: Int)', '').replaceAll('$n', '100'));
    for (const { res, calls } of [viaVariables, literal]) {
      expect(res.status).toBe(400);
      expect(res.data ?? null).toBeNull();
      // movies 100 × (1 + reviews 100 × (1 + author 1 + reviews 100 × (1 + movie 1)))
      expect(res.errors).toEqual([expect.objectContaining({ extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 2_020_100, max: 50_000 } } })]);
      expect(calls).toBe(0);
    }
    const small = await counting(graph.url, FAN_OUT, { n: 2 });
    expect(small.res.errors).toBeUndefined();
    expect(small.calls).toBeGreaterThan(0);
  });

  it('counts an absent `first` at the list’s default page size', async () => {
    const { res, calls } = await counting(graph.url, '{ movies { reviews { author { reviews { author { reviews { id } } } } } } }');
    expect(errorCodes(res)).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
    expect(res.errors![0]!.extensions!.cost.estimated).toBe(176_820); // 20 per page at every level
    expect(calls).toBe(0);
    const paged = await gql(graph.url, '{ movies(first: 2) { reviews(first: 2) { author { reviews(first: 2) { author { reviews(first: 2) { id } } } } } } }');
    expect(paged.errors).toBeUndefined();
  });

  it('bounds the lists that had no pagination: cities, City.cinemas, Cinema.screenings, Movie.screenings', async () => {
    const { res, calls } = await counting(graph.url, '{ cities { cinemas { screenings { movie { screenings { id } } } } } }');
    expect(errorCodes(res)).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
    expect(calls).toBe(0);
    // Within a page the default (100, the cap) still returns the whole list, as before.
    const all = await gql(graph.url, '{ cities { name cinemas(first: 5) { name screenings(first: 5) { isPremiere } } } }');
    expect(all.errors).toBeUndefined();
    expect(all.data!.cities.some((c: { cinemas: unknown[] }) => c.cinemas.length === 1)).toBe(true);
    // Beyond the cap the subgraph refuses the page itself.
    const over = await gql(graph.url, '{ cities(first: 101) { id } }');
    expect(errorCodes(over)).toEqual(['BAD_USER_INPUT']);
    expect(over.errors![0]!.message).toMatch(/first must be at most 100/);
  });

  it('puts every estimate on /metrics', async () => {
    await withGateway({ metrics: createMetrics('gateway') }, async (url) => {
      await gql(url, FAN_OUT, { n: 100 });
      await gql(url, FAN_OUT, { n: 1 });
      const text = await scrape(url);
      expect(sample(text, 'gateway_operation_estimated_cost_count', { result: 'COST_ESTIMATED_TOO_EXPENSIVE' })).toBe(1);
      expect(sample(text, 'gateway_operation_estimated_cost_sum', { result: 'COST_OK' })).toBe(1 * (1 + 1 * (1 + 1 + 1 * 2)));
    });
  });
});

describe('demand control: answers bounded in bytes', () => {
  const DETAIL = '{ movies(first: 100) { title synopsis } }';

  it('fails the fetch of a subgraph answer over SUBGRAPH_RESPONSE_LIMIT; the rest of the graph still answers', async () => {
    await withGateway({ subgraphResponseLimit: 2_048 }, async (url) => {
      const res = await gql(url, DETAIL);
      expect(res.status).toBe(200);
      expect(res.data ?? null).toBeNull();
      expect(errorCodes(res)).toEqual(['SUBGRAPH_RESPONSE_TOO_LARGE']);
      expect((await gql(url, '{ movies(first: 100) { title } cities { name } }')).errors).toBeUndefined();
    });
  });

  it('withholds an answer over RESPONSE_LIMIT with a RESPONSE_TOO_LARGE error, never a body cut short', async () => {
    await withGateway({ responseLimit: 2_048 }, async (url) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: DETAIL }) });
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
      const body = JSON.parse(text);
      expect(body.data).toBeNull();
      expect(body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['RESPONSE_TOO_LARGE']);
      expect((await gql(url, '{ movies(first: 100) { title } }')).errors).toBeUndefined();
    });
  });
});
