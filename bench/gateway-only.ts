/**
 * Setting 1, the gateway alone: fixed in-memory subgraphs (fake-subgraphs.ts), each gateway in
 * turn on its own core, the three workloads against it.
 */
import { freePort, TEST_JWT_SECRET, TEST_SIGNING_SECRET } from '@cinema/testing';
import type { BenchConfig } from './config';
import { movies, users } from './fake-data';
import { GATEWAYS, type GatewayVariant } from './gateways';
import { measure, type LoadResult } from './load';
import { startNode, waitReady, type Server } from './processes';
import { body, DEEP, DEEP_DISTINCT, SMALL, writeBody } from './queries';

/** `rounds`: each round's req/s, in order (the other figures are medians over them); `cpuRounds`: its CPU %. */
export type Row = { setting: string; workload: string; gateway: string; rounds?: number[]; cpuRounds?: number[] } & LoadResult;

export interface Target {
  urls: Record<'users' | 'movies' | 'catalog', string>;
  smallId: string;
}

export const workloads = (t: Target) => {
  let i = 0;
  let n = 0;
  const small = body(SMALL, { id: t.smallId });
  return {
    small: small,
    deep: body(DEEP),
    // 9 reads for 1 sign-up.
    mix: () => (++i % 10 === 0 ? writeBody(String(process.pid)) : small),
    // The deep query, a different page on every request (queries.ts); the in-memory data only.
    distinct: () => body(DEEP_DISTINCT, { after: movies[n++ % movies.length]!.id }),
  };
};

/** The workloads of the whole-system setting: its seeded data has no 200 movies to page through. */
export const SYSTEM_WORKLOADS = ['small', 'deep', 'mix'];

/**
 * Every gateway, `cfg.rounds` times over: this machine's speed drifts by tens of percent within
 * minutes, so one window per gateway can flip a ratio. In a round every gateway is started (each on
 * the gateway core, the idle ones asleep) and each workload is measured on all of them back to back,
 * so the windows a ratio compares are seconds apart, not the minute another gateway's three
 * workloads took. The order turns each round (A B C, B C A, C A B), so no gateway always follows the
 * same one. A row holds the median of its rounds (peak RSS: the highest), and `rounds` keeps each
 * round's req/s so the spread is visible; the targets compare gateways round by round (report.ts).
 */
export async function benchGateways(cfg: BenchConfig, setting: string, target: Target, variants: GatewayVariant[] = GATEWAYS, connections = cfg.connections, only?: string[]): Promise<Row[]> {
  const load = Object.entries(workloads(target)).filter(([w]) => !only || only.includes(w));
  const runs = new Map<string, LoadResult[]>();
  for (let round = 1; round <= cfg.rounds; round++) {
    const turn = (round - 1) % variants.length;
    const order = [...variants.slice(turn), ...variants.slice(0, turn)];
    const started: Array<{ g: GatewayVariant; url: string; server: Server }> = [];
    try {
      for (const g of order) {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}/graphql`;
        const server = startNode(g.name, g.entry, {
          PORT: String(port),
          HOST: '127.0.0.1',
          GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET,
          JWT_SECRET: TEST_JWT_SECRET,
          SUBGRAPH_URL_USERS: target.urls.users,
          SUBGRAPH_URL_MOVIES: target.urls.movies,
          SUBGRAPH_URL_CATALOG: target.urls.catalog,
          ...g.env,
        }, { cpus: cfg.gatewayCpus });
        started.push({ g, url, server });
        await waitReady(url, 60_000, server);
      }
      for (const [workload, b] of load) {
        for (const { g, url, server } of started) {
          const r = await measure({ url, body: b, connections, seconds: cfg.seconds, warmupSeconds: cfg.warmupSeconds }, server.child.pid!);
          const key = `${workload}\t${g.name}`;
          runs.set(key, [...(runs.get(key) ?? []), r]);
          process.stderr.write(`  ${setting} r${round} ${workload.padEnd(5)} ${g.name.padEnd(6)} ${String(r.rps).padStart(6)} req/s  p50 ${r.p50} p95 ${r.p95} p99 ${r.p99} ms  err ${r.errors + r.non2xx}  rss ${r.peakRssMb} MB  cpu ${r.cpuPct}%\n`);
        }
      }
    } finally {
      await Promise.all(started.map(({ server }) => server.stop()));
    }
  }
  // Rows gateway by gateway, in the variants' order, whatever order the rounds measured them in.
  return variants.flatMap((g) =>
    load.flatMap(([workload]) => {
      const rs = runs.get(`${workload}\t${g.name}`);
      return rs ? [{ setting, workload, gateway: g.name, ...combine(rs) }] : [];
    }),
  );
}

/** The middle value (of an even count: the mean of the two middle ones, to `digits` decimals). */
export const median = (xs: number[], digits = 1) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Math.round(((s[m - 1]! + s[m]!) / 2) * 10 ** digits) / 10 ** digits;
};

/** One row from a gateway's rounds of one workload: medians, the highest RSS, every round's req/s, errors summed. */
function combine(rs: LoadResult[]): LoadResult & { rounds: number[]; cpuRounds: number[] } {
  type Figure = Exclude<keyof LoadResult, 'peakRssEachMb'>;
  const m = (k: Figure) => median(rs.map((r) => r[k]));
  const sum = (k: Figure) => rs.reduce((a, r) => a + r[k], 0);
  return {
    rps: m('rps'), p50: m('p50'), p95: m('p95'), p99: m('p99'), cpuPct: m('cpuPct'), avgBytes: m('avgBytes'),
    errors: sum('errors'), non2xx: sum('non2xx'), requests: sum('requests'),
    peakRssMb: Math.max(...rs.map((r) => r.peakRssMb)),
    rounds: rs.map((r) => r.rps),
    cpuRounds: rs.map((r) => r.cpuPct),
  };
}

/** Starts the in-memory subgraphs on core 0; returns their URLs and a stop function. */
export async function startFakeSubgraphs(cfg: BenchConfig) {
  const [u, m, c] = [await freePort(), await freePort(), await freePort()];
  const server = startNode('fake-subgraphs', 'bench/fake-subgraphs.ts', { PORT_USERS: String(u), PORT_MOVIES: String(m), PORT_CATALOG: String(c), GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET }, { cpus: cfg.otherCpus });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('fake subgraphs did not start in 30 s')), 30_000);
    server.child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && (clearTimeout(t), resolve()));
  });
  const urls = { users: `http://127.0.0.1:${u}/graphql`, movies: `http://127.0.0.1:${m}/graphql`, catalog: `http://127.0.0.1:${c}/graphql` };
  return { target: { urls, smallId: users[0]!.id }, stop: () => server.stop() };
}
