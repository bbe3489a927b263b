/**
 * Each optimisation beside its "off", on the gateway-only setting (or the broker, for confirms):
 * automatic persisted queries, a warm query-plan cache, workers across cores.
 */
import { createHash } from 'node:crypto';
import { freePort, TEST_JWT_SECRET, TEST_SIGNING_SECRET } from '@cinema/testing';
import type { BenchConfig } from './config';
import type { Target } from './gateway-only';
import { check, measure } from './load';
import { startNode, waitReady } from './processes';
import { body, DEEP } from './queries';

const env = (port: number, t: Target) => ({
  PORT: String(port), HOST: '127.0.0.1', GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET, JWT_SECRET: TEST_JWT_SECRET, RATE_LIMIT: '0', LOG_LEVEL: 'warn',
  SUBGRAPH_URL_USERS: t.urls.users, SUBGRAPH_URL_MOVIES: t.urls.movies, SUBGRAPH_URL_CATALOG: t.urls.catalog,
});

async function withGateway<T>(entry: string, t: Target, cpus: string | undefined, fn: (url: string, pid: number) => Promise<T>, extra: NodeJS.ProcessEnv = {}) {
  const port = await freePort();
  const server = startNode('ours', entry, { ...env(port, t), ...extra }, { cpus });
  try {
    const url = `http://127.0.0.1:${port}/graphql`;
    await waitReady(url, 60_000, server);
    return await fn(url, server.child.pid!);
  } finally {
    await server.stop();
  }
}

const timed = async (f: () => Promise<unknown>) => { const t = performance.now(); await f(); return Math.round((performance.now() - t) * 10) / 10; };

export async function optimisations(cfg: BenchConfig, t: Target) {
  const deep = body(DEEP);
  const spec = (url: string, b: string) => ({ url, body: b, connections: cfg.connections, seconds: cfg.seconds, warmupSeconds: cfg.warmupSeconds });
  // Plan cache: the first deep query after start plans, parses and validates; later ones hit the caches.
  const planCache = await withGateway('gateway/src/index.ts', t, cfg.gatewayCpus, async (url) => {
    const cold = await timed(() => check({ url, body: deep }));
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) warm.push(await timed(() => check({ url, body: deep })));
    warm.sort((a, b) => a - b);
    return { coldFirstRequestMs: cold, warmMedianMs: warm[10]! };
  });
  // APQ: the hash instead of the query text (registered once; Apollo Server keeps it in memory).
  const apq = await withGateway('gateway/src/index.ts', t, cfg.gatewayCpus, async (url, pid) => {
    const sha256Hash = createHash('sha256').update(DEEP).digest('hex');
    await check({ url, body: JSON.stringify({ query: DEEP, extensions: { persistedQuery: { version: 1, sha256Hash } } }) });
    const hashOnly = JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash } } });
    const off = await measure(spec(url, deep), pid);
    const on = await measure(spec(url, hashOnly), pid);
    return { requestBytesOff: deep.length, requestBytesOn: hashOnly.length, off, on };
  });
  // Workers across cores: unpinned, 1 worker vs 2 (the load generator then competes for the cores).
  const single = await withGateway('gateway/src/index.ts', t, undefined, (url, pid) => measure(spec(url, deep), pid));
  const workers = await withGateway('bench/cluster.ts', t, undefined, (url, pid) => measure(spec(url, deep), pid), { GATEWAY_WORKERS: '2' });
  return { planCache, apq, cluster: { oneWorker: single, twoWorkers: workers } };
}
