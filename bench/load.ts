/**
 * One measurement: autocannon against a gateway for a fixed time and connection count, after a
 * warm-up run whose numbers are thrown away (JIT, plan cache, connection pools). Bounded by time.
 */
import autocannon from 'autocannon';
import { sampleResources } from './processes';

export interface LoadResult {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
  peakRssMb: number;
  cpuPct: number;
  avgBytes: number;
  /** Each process's peak RSS (the gateway's tree: with cluster.ts, the primary and each worker). */
  peakRssEachMb?: number[];
}

/**
 * Requests per CPU-second of a gateway's processes (req/s ÷ their CPU share, `cpuPct` in % of one
 * core): what a request costs, whatever else took the core meanwhile. 0 when no CPU was seen.
 */
export const perCpuSecond = (rps: number, cpuPct: number) => (cpuPct > 0 ? Math.round((rps / (cpuPct / 100)) * 10) / 10 : 0);

export interface LoadSpec {
  url: string;
  /** One body for every request, or a function making each one (the mix). */
  body: string | (() => string);
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

function run(spec: LoadSpec, seconds: number, latencies?: number[]) {
  const headers = { 'content-type': 'application/json', ...spec.headers };
  const dynamic = typeof spec.body === 'function' ? (spec.body as () => string) : undefined;
  const instance = autocannon({
    url: spec.url,
    method: 'POST',
    connections: spec.connections,
    duration: seconds,
    headers,
    timeout: 10,
    requests: [{ method: 'POST', headers, ...(dynamic ? { setupRequest: (req: any) => ({ ...req, body: dynamic() }) } : { body: spec.body as string }) }],
  } as any);
  // autocannon's percentiles skip p95: keep every latency (bounded by duration × rate) and cut our own.
  if (latencies) instance.on('response', (_c: unknown, _s: number, _b: number, ms: number) => void latencies.push(ms));
  return instance;
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
const round = (ms: number) => Math.round(ms * 10) / 10;

/** Throws unless one request answers 200 without GraphQL errors; returns the response size. */
export async function check(spec: Pick<LoadSpec, 'url' | 'body' | 'headers'>): Promise<number> {
  const body = typeof spec.body === 'function' ? spec.body() : spec.body;
  const res = await fetch(spec.url, { method: 'POST', headers: { 'content-type': 'application/json', ...spec.headers }, body });
  const text = await res.text();
  if (!res.ok || text.includes('"errors"')) throw new Error(`${spec.url} answered ${res.status}: ${text.slice(0, 300)}`);
  return text.length;
}

export async function measure(spec: LoadSpec, pid: number): Promise<LoadResult> {
  // Correctness first: a gateway that answers errors fast is not fast.
  const avgBytes = await check(spec);
  if (spec.warmupSeconds > 0) {
    await run(spec, spec.warmupSeconds);
    // autocannon stops at the deadline with requests still queued in the server; one more request
    // answers only once that backlog is through, so the measured window does not start behind it
    // (with a short window and a slow query, it used to measure 0 req/s).
    await check(spec);
  }
  const latencies: number[] = [];
  const done = sampleResources(pid);
  const r: any = await run(spec, spec.seconds, latencies);
  const res = done();
  latencies.sort((a, b) => a - b);
  return {
    rps: Math.round(r.requests.total / spec.seconds),
    p50: round(pct(latencies, 50)),
    p95: round(pct(latencies, 95)),
    p99: round(pct(latencies, 99)),
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    requests: r.requests.total,
    avgBytes,
    ...res,
  };
}
