import { gql, silentLogger, testGatewaySecurity } from '@cinema/testing';
import { startToyGraph } from '../../e2e/support/toy-graph';
import { createMetrics } from '@cinema/service-kit';
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
