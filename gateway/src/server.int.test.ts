import { gql, silentLogger, testGatewaySecurity } from '@cinema/testing';
import { startToyGraph } from '@cinema/testing/toy-graph';
import { createMetrics } from '@cinema/telemetry';
import { withGateway as withToyGateway } from './test-support/toy-gateway';
import { createGatewayServer } from './server';

type Toy = Awaited<ReturnType<typeof startToyGraph>>;
let toy: Toy;
beforeAll(async () => {
  toy = await startToyGraph();
});
afterAll(() => toy.subgraph.stop());

async function withGateway(production: boolean, run: (url: string) => Promise<void>) {
  const gateway = createGatewayServer({ supergraphSdl: toy.supergraphSdl, logger: silentLogger, production, ...testGatewaySecurity() });
  const url = await gateway.listen(0, '127.0.0.1');
  try {
    await run(url);
  } finally {
    await gateway.stop();
  }
}

describe('gateway over any supergraph', () => {
  it('serves the graph it is given and is ready once the supergraph is loaded', async () => {
    await withGateway(false, async (url) => {
      const res = await gql(url, '{ hello(name: "federation") }');
      expect(res.data).toEqual({ hello: 'hello, federation' });
      const health = await fetch(url.replace('/graphql', '/health'));
      expect(health.status).toBe(200);
    });
  });

  it('answers unexpected subgraph failures without internals', async () => {
    await withGateway(true, async (url) => {
      const res = await gql(url, '{ broken }');
      expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(res)).not.toMatch(/ECONNREFUSED|secret|10\.0\.0\.7|stacktrace|127\.0\.0\.1/);
    });
  });

  it('serves Apollo Sandbox and introspection in development', async () => {
    await withGateway(false, async (url) => {
      const page = await fetch(url, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/sandbox/i);
      const res = await gql(url, '{ __schema { queryType { name } } }');
      expect(res.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    });
  });

  it('turns introspection and the landing page off in production', async () => {
    await withGateway(true, async (url) => {
      const page = await fetch(url, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toMatch(/sandbox/i);
      const res = await gql(url, '{ __schema { queryType { name } } }');
      expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.data ?? null).toBeNull();
    });
  });

  it('guards /metrics with METRICS_TOKEN when one is set (the gateway port faces clients)', async () => {
    await withToyGateway(toy, { metrics: createMetrics('gateway', { processMetrics: false }), metricsToken: 'scrape-me-0123456789' }, async (url) => {
      const metricsUrl = url.replace('/graphql', '/metrics');
      expect((await fetch(metricsUrl)).status).toBe(401);
      expect((await fetch(metricsUrl, { headers: { authorization: 'Bearer wrong-token-0000000' } })).status).toBe(401);
      const ok = await fetch(metricsUrl, { headers: { authorization: 'Bearer scrape-me-0123456789' } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/graphql_requests_total|# HELP/);
    });
  });
});

describe('admission control over real HTTP', () => {
  it('while busy, runs the limit at once, queues the next in order, refuses beyond the queue, and leaks no slot', async () => {
    // busyAbove 0: the worker counts as busy from the first sample (a test cannot saturate a core).
    const metrics = createMetrics('gateway', { processMetrics: false });
    const gateway = createGatewayServer({ supergraphSdl: toy.supergraphSdl, logger: silentLogger, production: false, ...testGatewaySecurity(), metrics, admission: { limit: 1, maxQueued: 1, busyAbove: 0, sampleMs: 5 } });
    const url = await gateway.listen(0, '127.0.0.1');
    try {
      await new Promise((r) => setTimeout(r, 30));
      const finished: string[] = [];
      const first = gql(url, '{ slow(ms: 300) }').then((r) => (finished.push('first'), r));
      await new Promise((r) => setTimeout(r, 50));
      const second = gql(url, '{ hello(name: "second") }').then((r) => (finished.push('second'), r));
      await new Promise((r) => setTimeout(r, 50));
      const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ hello(name: "third") }' }) });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect((await refused.json()).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect((await first).data).toEqual({ slow: 'slept 300' });
      expect((await second).data).toEqual({ hello: 'hello, second' });
      expect(finished).toEqual(['first', 'second']); // the short one waited for the slot
      expect((await gql(url, '{ hello(name: "after") }')).data).toEqual({ hello: 'hello, after' });
      // What happened is on /metrics: one request waited, one was refused, none runs or waits now.
      const scraped = await (await fetch(url.replace('/graphql', '/metrics'))).text();
      const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(scraped)?.[1]);
      expect([value('admission_queued_total'), value('admission_refused_total')]).toEqual([1, 1]);
      expect([value('admission_requests_running'), value('admission_requests_waiting'), value('admission_busy')]).toEqual([0, 0, 1]);
      expect(value('admission_window')).toBeGreaterThanOrEqual(1);
    } finally {
      await gateway.stop();
    }
  });
});
