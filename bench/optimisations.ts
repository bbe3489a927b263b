/**
 * Each optimisation beside its "off", in the same run: the gateway with everything on, then once per
 * optimisation with only that one switched off (its environment switch), on the workloads it is
 * for. "All on" is measured first and again last, so drift during the run is visible. Also the
 * warm query-plan cache, automatic persisted queries and workers across cores (node:cluster).
 */
import { createHash } from 'node:crypto';
import { freePort, TEST_JWT_SECRET, TEST_SIGNING_SECRET } from '@cinema/testing';
import type { BenchConfig } from './config';
import { workloads, type Target } from './gateway-only';
import { check, measure, type LoadResult } from './load';
import { startNode, waitReady } from './processes';
import { body, DEEP } from './queries';
import { NAMESPACE } from './system';
import { GATEWAY_NODE_OPTIONS } from '../gateway/src/heap';

/** Switched off one at a time; every one is on by default in the product. */
export const TOGGLES = [
  { name: 'pooled keep-alive subgraph connections (undici Pool; off = global fetch, which also turns coalescing off)', off: { SUBGRAPH_FETCH: 'fetch' }, workloads: ['small', 'deep'] },
  { name: 'identical client queries in flight share one execution and answer (inbound deduplication)', off: { INBOUND_DEDUPE: 'off' }, workloads: ['small', 'deep'] },
  { name: 'identical in-flight subgraph reads coalesced', off: { DEDUPE_INFLIGHT: 'off' }, workloads: ['small', 'deep'] },
  { name: 'batched entity fetches: each distinct representation once', off: { DEDUPE_REPRESENTATIONS: 'off' }, workloads: ['deep'] },
  { name: "result shaping compiled per operation (profile: Apollo's computeResponse)", off: { GATEWAY_COMPILED_SHAPING: 'off' }, workloads: ['deep'] },
  { name: 'answers serialized in pieces (profile: the first touch of one large string)', off: { GATEWAY_JSON_PIECES: 'off' }, workloads: ['small', 'deep'] },
  // Distinct operations are where it matters: identical ones share an answer before admission.
  { name: 'admission control: an adaptive window of requests while the worker is out of CPU', off: { ADMISSION_LIMIT: '0' }, workloads: ['small', 'deep', 'distinct'] },
  { name: 'old generation limited to 1 GB (V8 sizes its growth from the limit: RSS)', off: { NODE_OPTIONS: '' }, workloads: ['deep'] },
] as const;

/** Not on by default, measured the other way round: the product's default is their "off". */
export const OPT_IN = [
  // Cached figures, beside the targets and never instead of them. The deep query selects fields
  // answered from replicas (authorName, movieTitle), which the cache never keeps: small only.
  { name: 'response cache, evicted by the events (RESPONSE_CACHE=on, the broker at AMQP_URL)', on: { RESPONSE_CACHE: 'on' }, workloads: ['small'] },
] as const;

const env = (port: number, t: Target) => ({
  // As shipped: with the gateway's heap limit (gateway/src/heap.ts).
  NODE_OPTIONS: GATEWAY_NODE_OPTIONS,
  // The namespace matters only to the response cache's row on the whole system (its events' exchanges).
  PORT: String(port), HOST: '127.0.0.1', AMQP_NAMESPACE: NAMESPACE, GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET, JWT_SECRET: TEST_JWT_SECRET, RATE_LIMIT: '0', LOG_LEVEL: 'warn',
  SUBGRAPH_URL_USERS: t.urls.users, SUBGRAPH_URL_MOVIES: t.urls.movies, SUBGRAPH_URL_CATALOG: t.urls.catalog,
});

export async function withGateway<T>(entry: string, t: Target, cpus: string | undefined, fn: (url: string, pid: number) => Promise<T>, extra: NodeJS.ProcessEnv = {}) {
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

type Toggled = Record<string, LoadResult>;

/** On/off rows for the switches, on any setting (gateway-only or the whole system). */
export async function toggles(cfg: BenchConfig, t: Target, connections = cfg.connections, available: readonly string[] = ['small', 'deep', 'distinct']) {
  const load = workloads(t);
  const here = (names: readonly string[]) => names.filter((w) => available.includes(w));
  // --quick: shorter windows too (a gateway start-up per switch is most of its time).
  const spec = (url: string, b: string | (() => string)) => ({ url, body: b, connections, seconds: cfg.quick ? 1 : cfg.seconds, warmupSeconds: cfg.quick ? 0.5 : cfg.warmupSeconds });
  const run = (names: readonly string[], extra: NodeJS.ProcessEnv = {}) =>
    withGateway('gateway/src/index.ts', t, cfg.gatewayCpus, async (url, pid) => {
      const out: Toggled = {};
      for (const w of here(names)) {
        out[w] = await measure(spec(url, load[w as 'small' | 'deep' | 'distinct']), pid);
        process.stderr.write(`  ${extra && Object.keys(extra).length ? JSON.stringify(extra) : 'all on'} ${w}: ${out[w]!.rps} req/s p99 ${out[w]!.p99} ms\n`);
      }
      return out;
    }, extra);
  const allOn = await run(['small', 'deep', 'distinct']);
  const rows = [];
  // --quick: each switch on the deep query only (every one lists it), to stay under three minutes.
  for (const toggle of TOGGLES) rows.push({ name: toggle.name, switch: toggle.off, off: await run(cfg.quick ? ['deep'] : toggle.workloads, toggle.off) });
  // --quick (under three minutes, a gateway start-up takes seconds): no opt-in rows, no second "all on".
  const optIn = [];
  for (const o of cfg.quick ? [] : OPT_IN) optIn.push({ name: o.name, switch: o.on, on: await run(o.workloads, o.on) });
  const allOnAgain = cfg.quick ? undefined : await run(['small', 'deep', 'distinct']);
  return { allOn, allOnAgain, rows, optIn };
}

export async function optimisations(cfg: BenchConfig, t: Target) {
  const deep = body(DEEP);
  const spec = (url: string, b: string | (() => string)) => ({ url, body: b, connections: cfg.connections, seconds: cfg.seconds, warmupSeconds: cfg.warmupSeconds });
  // Plan cache: the first deep query after start plans, parses and validates; later ones hit the caches.
  // Then, in the same process (a start-up costs seconds), APQ: the hash instead of the query text
  // (registered once; Apollo Server keeps it in memory).
  const { planCache, apq } = await withGateway('gateway/src/index.ts', t, cfg.gatewayCpus, async (url, pid) => {
    const cold = await timed(() => check({ url, body: deep }));
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) warm.push(await timed(() => check({ url, body: deep })));
    warm.sort((a, b) => a - b);
    const sha256Hash = createHash('sha256').update(DEEP).digest('hex');
    await check({ url, body: JSON.stringify({ query: DEEP, extensions: { persistedQuery: { version: 1, sha256Hash } } }) });
    const hashOnly = JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash } } });
    const off = await measure(spec(url, deep), pid);
    const on = await measure(spec(url, hashOnly), pid);
    return { planCache: { coldFirstRequestMs: cold, warmMedianMs: warm[10]! }, apq: { requestBytesOff: deep.length, requestBytesOn: hashOnly.length, off, on } };
  });
  // Workers across cores: both cores for the gateway (the load generator competes for core 0). Not in --quick.
  const cluster = cfg.quick
    ? undefined
    : {
        oneWorker: await withGateway('gateway/src/index.ts', t, '0-1', (url, pid) => measure(spec(url, deep), pid)),
        twoWorkers: await withGateway('gateway/src/cluster.ts', t, '0-1', (url, pid) => measure(spec(url, deep), pid), { GATEWAY_WORKERS: '2' }),
      };
  return { planCache, apq, cluster, toggles: await toggles(cfg, t) };
}
