import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TcpProxy, silentLogger, testGatewaySecurity } from '@cinema/testing';
import { startToyGraph } from '@cinema/testing/toy-graph';
import { createGatewayServer } from './server';

type Toy = Awaited<ReturnType<typeof startToyGraph>>;
let toy: Toy;
let proxy: TcpProxy;
let base: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  toy = await startToyGraph();
  const target = new URL(toy.subgraphUrl);
  // The gateway reaches its subgraph through a proxy, so the test can take the subgraph away.
  proxy = new TcpProxy({ host: target.hostname, port: Number(target.port) });
  await proxy.start();
  const gateway = createGatewayServer({
    supergraphSdl: toy.supergraphSdl,
    logger: silentLogger,
    ...testGatewaySecurity(),
    subgraphUrls: { greetings: `http://127.0.0.1:${proxy.port}/graphql` },
    subgraphHealth: { cacheMs: 200 },
  });
  base = (await gateway.listen(0, '127.0.0.1')).replace('/graphql', '');
  stop = () => gateway.stop();
});

afterAll(async () => {
  await stop();
  await proxy.stop();
  await toy.subgraph.stop();
});

const ready = async () => {
  const res = await fetch(`${base}/health/ready`);
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string>; subgraphs: Record<string, unknown> } };
};
const until = async (probe: string) => {
  for (let deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const r = await ready();
    if ((r.body.subgraphs.greetings as { probe: string }).probe === probe) return r;
  }
  return ready();
};

describe('gateway readiness', () => {
  it('is ready once the supergraph is loaded, and reports each subgraph', async () => {
    expect(await until('ok')).toEqual({
      status: 200,
      body: { status: 'ok', checks: { supergraph: 'ok' }, subgraphs: { greetings: { breaker: 'closed', probe: 'ok' } } },
    });
  });

  it('stays ready while a subgraph is down (its fields fail alone), naming it in the body', async () => {
    proxy.reset();
    const down = await until('down');
    expect(down).toEqual({ status: 200, body: { status: 'ok', checks: { supergraph: 'ok' }, subgraphs: { greetings: { breaker: 'closed', probe: 'down' } } } });
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    proxy.pass();
    expect((await until('ok')).status).toBe(200);
  });

  it('polls a subgraph once for a burst of probes (the result is cached briefly)', async () => {
    // Stands in for the subgraph's /health/ready only: a static supergraph needs nothing else to load.
    let polls = 0;
    const health = http.createServer((_req, res) => {
      polls++;
      res.setHeader('content-type', 'application/json');
      res.end('{"status":"ok"}');
    });
    await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
    const { port } = health.address() as AddressInfo;
    const gateway = createGatewayServer({
      supergraphSdl: toy.supergraphSdl,
      logger: silentLogger,
      ...testGatewaySecurity(),
      subgraphUrls: { greetings: `http://127.0.0.1:${port}/graphql` },
      subgraphHealth: { cacheMs: 5_000 },
    });
    const url = (await gateway.listen(0, '127.0.0.1')).replace('/graphql', '');
    try {
      const statuses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${url}/health/ready`).then((r) => r.status)));
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(polls).toBe(1);
    } finally {
      await gateway.stop();
      health.closeAllConnections();
      await new Promise((r) => health.close(r));
    }
  });
});
