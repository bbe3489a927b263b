import { gql, silentLogger, testGatewaySecurity } from '@cinema/testing';
import { createMetrics } from '@cinema/telemetry';
import { createGatewayServer } from '../server';
import { startSplitGraph, type SplitGraph } from '@cinema/testing/split-graph';

// Real subgraphs over HTTP behind TCP proxies: `shows` contributes Film.shows to films' Film.
let graph: SplitGraph;
beforeAll(async () => {
  graph = await startSplitGraph();
});
afterAll(() => graph.stop());
afterEach(() => {
  graph.films.pass();
  graph.shows.pass();
});

type Options = { production?: boolean; failures?: number; openMs?: number; timeoutMs?: number };

function startGateway(o?: Options) {
  return createGatewayServer({
    supergraphSdl: graph.supergraphSdl,
    logger: silentLogger,
    ...testGatewaySecurity(),
    production: o?.production ?? false,
    subgraphTimeoutMs: o?.timeoutMs ?? 1_000,
    subgraphHealth: { cacheMs: 0 },
    resilience: { breakerFailures: o?.failures ?? 3, breakerOpenMs: o?.openMs ?? 300, readRetries: 1 },
    metrics: createMetrics('gateway'),
  });
}

async function withGateway(o: Options | undefined, run: (url: string, base: string) => Promise<void>) {
  const gateway = startGateway(o);
  const url = await gateway.listen(0, '127.0.0.1');
  try {
    await run(url, url.replace('/graphql', ''));
  } finally {
    await gateway.stop();
  }
}

const FILM = '{ film(id: "1") { title shows } }';
const timed = async (url: string, query: string) => {
  const started = performance.now();
  const res = await gql(url, query);
  return { ...res, ms: performance.now() - started };
};

describe('a subgraph that fails costs only its own fields', () => {
  it("answers the owner's data with the failed fields null and one SUBGRAPH_UNAVAILABLE error at them", async () => {
    await withGateway({ failures: 100 }, async (url) => {
      expect((await gql(url, FILM)).data).toEqual({ film: { title: 'Arrival', shows: ['1 at 20:00'] } });
      graph.shows.reset();
      const one = await gql(url, FILM);
      expect(one).toMatchObject({ status: 200, data: { film: { title: 'Arrival', shows: null } } });
      expect(one.errors).toEqual([{ message: expect.stringMatching(/subgraph shows is unavailable/), path: ['film', 'shows'], extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'shows' } }]);
      // A list of entities: one error for the one failed fetch, at the first entity's field.
      const list = await gql(url, '{ films { title shows } }');
      expect(list.data).toEqual({ films: [{ title: 'Arrival', shows: null }, { title: 'Heat', shows: null }] });
      expect(list.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['films', 0, 'shows'], 'SUBGRAPH_UNAVAILABLE']]);
      // A root field of the failed subgraph beside one of the healthy subgraph.
      const roots = await gql(url, '{ film(id: "2") { title } showsToday }');
      expect(roots.data).toBeNull(); // showsToday is non-null: nothing else can stand in for it
      expect(roots.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['showsToday'], 'SUBGRAPH_UNAVAILABLE']]);
    });
  });

  it('names neither the subgraph nor its address in production: only the code and the path', async () => {
    await withGateway({ production: true, failures: 100 }, async (url) => {
      graph.shows.reset();
      const res = await gql(url, FILM);
      expect(res.data).toEqual({ film: { title: 'Arrival', shows: null } });
      expect(res.errors).toEqual([{ message: expect.any(String), path: ['film', 'shows'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }]);
      expect(JSON.stringify(res.errors)).not.toMatch(/shows is|127\.0\.0\.1|serviceName/);
    });
  });
});

describe("a subgraph's circuit breaker", () => {
  it('opens after consecutive failures, then answers at once without calling the subgraph; the gateway stays ready', async () => {
    await withGateway({ failures: 3, openMs: 60_000, timeoutMs: 3_000 }, async (url, base) => {
      graph.shows.blackhole(); // accepts, never answers: every fetch waits for its 3 s timeout
      for (const r of await Promise.all(Array.from({ length: 3 }, () => timed(url, FILM)))) expect(r.ms).toBeGreaterThan(2_900);
      const before = graph.showRequests();
      const fast: Awaited<ReturnType<typeof timed>>[] = [];
      for (let i = 0; i < 20; i++) fast.push(await timed(url, FILM));
      for (const r of fast) expect(r).toMatchObject({ data: { film: { title: 'Arrival', shows: null } }, errors: [{ path: ['film', 'shows'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] });
      // None waited for the subgraph (a generous bound for a busy machine; it is ~10 ms when quiet).
      expect(Math.max(...fast.map((r) => r.ms))).toBeLessThan(1_500);
      expect(graph.showRequests()).toBe(before);
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', checks: { supergraph: 'ok' }, subgraphs: { films: { breaker: 'closed', probe: 'ok' }, shows: { breaker: 'open' } } });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/gateway_subgraph_breaker_state\{[^}]*subgraph="shows",state="open"[^}]*\} 1/);
      expect(metrics).toMatch(/gateway_subgraph_breaker_state\{[^}]*subgraph="films",state="closed"[^}]*\} 1/);
      expect(metrics).toMatch(/gateway_subgraph_breaker_rejected_total\{[^}]*subgraph="shows"[^}]*\} 20/);
    });
  });

  it('probes on its own while open and closes once the subgraph answers again', async () => {
    await withGateway({ failures: 2, openMs: 200 }, async (url) => {
      graph.shows.reset();
      for (let i = 0; i < 2; i++) await gql(url, FILM);
      expect((await gql(url, FILM)).errors?.[0]?.message).toMatch(/circuit open/);
      graph.shows.pass();
      const started = Date.now();
      let res = await gql(url, FILM);
      while (res.errors && Date.now() - started < 5_000) {
        await new Promise((r) => setTimeout(r, 50));
        res = await gql(url, FILM);
      }
      expect(res).toMatchObject({ data: { film: { title: 'Arrival', shows: ['1 at 20:00'] } } });
      expect(res.errors).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(3_000); // openMs 200 + one probe round trip, with room for a busy machine
    });
  });

  it('stops at once while its probe waits on a frozen subgraph', async () => {
    const gateway = startGateway({ failures: 1, openMs: 100, timeoutMs: 5_000 });
    const url = await gateway.listen(0, '127.0.0.1');
    graph.shows.reset();
    await gql(url, FILM); // opens the breaker
    graph.shows.blackhole();
    await new Promise((r) => setTimeout(r, 500)); // its probe is on its way, and will wait 5 s
    const started = Date.now();
    await gateway.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('retries', () => {
  it('sends a read once more when its connection is reset, and a mutation never', async () => {
    await withGateway({ failures: 100 }, async (url, base) => {
      await gql(url, FILM); // warm: the pool holds a connection
      graph.dropNextShowRequests(1);
      let before = graph.showRequests();
      expect(await gql(url, FILM)).toMatchObject({ data: { film: { shows: ['1 at 20:00'] } } });
      expect(graph.showRequests() - before).toBe(2);
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/gateway_subgraph_retries_total\{[^}]*subgraph="shows"[^}]*\} 1/);

      graph.dropNextShowRequests(1);
      before = graph.showRequests();
      const mutation = await gql(url, 'mutation { addShow(name: "x") }');
      expect(mutation.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_UNAVAILABLE']);
      expect(graph.showRequests() - before).toBe(1);
    });
  });
});
