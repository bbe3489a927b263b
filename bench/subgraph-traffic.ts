/**
 * What each gateway asks of the subgraphs for one query: a counting proxy in front of every subgraph
 * records the POSTs (requests, bytes each way, entity representations sent, distinct ones among them)
 * while one warm request of a workload goes through. This explains whole-system differences that the
 * gateway-only setting hides (there a subgraph answer costs a lookup, against FerretDB it costs a query).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, TEST_JWT_SECRET, TEST_SIGNING_SECRET } from '@cinema/testing';
import type { Target } from './gateway-only';
import type { GatewayVariant } from './gateways';
import { check } from './load';
import { startNode, waitReady } from './processes';

interface Tally { requests: number; requestBytes: number; responseBytes: number; representations: number; distinctRepresentations: number }
const zero = (): Tally => ({ requests: 0, requestBytes: 0, responseBytes: 0, representations: 0, distinctRepresentations: 0 });

function countingProxy(upstream: string, tally: () => Tally) {
  const to = new URL(upstream);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const t = tally();
      if (req.method === 'POST') {
        t.requests++;
        t.requestBytes += raw.length;
        const reps = (JSON.parse(raw.toString()) as { variables?: { representations?: unknown[] } }).variables?.representations;
        if (reps) {
          t.representations += reps.length;
          t.distinctRepresentations += new Set(reps.map((r) => JSON.stringify(r))).size;
        }
      }
      const out = http.request({ host: to.hostname, port: to.port, path: to.pathname, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.on('data', (c: Buffer) => req.method === 'POST' && (t.responseBytes += c.length));
        up.pipe(res);
      });
      out.end(raw);
    });
  });
  return new Promise<http.Server>((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

/** Per gateway and workload: what reached each subgraph for ONE request (after a warm-up one). */
export async function subgraphTraffic(target: Target, variants: GatewayVariant[], workloads: Record<string, string>) {
  let current: Record<string, Tally> = {};
  const names = Object.keys(target.urls) as (keyof Target['urls'])[];
  const proxies = await Promise.all(names.map((n) => countingProxy(target.urls[n], () => (current[n] ??= zero()))));
  const via = Object.fromEntries(names.map((n, i) => [n, `http://127.0.0.1:${(proxies[i]!.address() as AddressInfo).port}/graphql`]));
  const out: Record<string, Record<string, Record<string, Tally>>> = {};
  try {
    for (const g of variants) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/graphql`;
      const server = startNode(g.name, g.entry, {
        PORT: String(port), HOST: '127.0.0.1', GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET, JWT_SECRET: TEST_JWT_SECRET,
        SUBGRAPH_URL_USERS: via.users, SUBGRAPH_URL_MOVIES: via.movies, SUBGRAPH_URL_CATALOG: via.catalog, ...g.env,
      });
      try {
        await waitReady(url, 60_000, server);
        for (const [w, body] of Object.entries(workloads)) {
          await check({ url, body });
          const tally: Record<string, Tally> = {};
          current = tally;
          await check({ url, body });
          current = {};
          (out[g.name] ??= {})[w] = tally;
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    for (const p of proxies) p.close();
  }
  return out;
}
