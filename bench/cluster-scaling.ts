/**
 * `--only=cluster`: this gateway with one worker and with two (gateway/src/cluster.ts), both cores
 * for it, on the deep query (identical operations: shared answers) and on distinct operations (each
 * executed). Rounds as everywhere: one and two workers back to back, so a ratio compares windows
 * seconds apart. The load generator and the in-memory subgraphs stay on core 0, so "two cores" is
 * two cores shared with them: the scaling figure is a floor.
 */
import type { BenchConfig } from './config';
import { median, workloads, type Target } from './gateway-only';
import { measure, type LoadResult } from './load';
import { withGateway } from './optimisations';

export async function clusterScaling(cfg: BenchConfig, t: Target) {
  const w = workloads(t);
  const load = { deep: w.deep, distinct: w.distinct } as const;
  const runs: Record<string, { one: LoadResult[]; two: LoadResult[] }> = { deep: { one: [], two: [] }, distinct: { one: [], two: [] } };
  const spec = (url: string, body: string | (() => string)) => ({ url, body, connections: cfg.connections, seconds: cfg.seconds, warmupSeconds: cfg.warmupSeconds });
  for (let round = 1; round <= cfg.rounds; round++) {
    for (const workers of round % 2 ? (['one', 'two'] as const) : (['two', 'one'] as const)) {
      const entry = workers === 'one' ? 'gateway/src/index.ts' : 'gateway/src/cluster.ts';
      await withGateway(entry, t, '0-1', async (url, pid) => {
        for (const [name, body] of Object.entries(load)) {
          const r = await measure(spec(url, body), pid);
          runs[name]![workers].push(r);
          process.stderr.write(`  cluster r${round} ${name.padEnd(8)} ${workers} worker(s) ${r.rps} req/s p99 ${r.p99} ms rss ${r.peakRssMb} MB (each ${r.peakRssEachMb?.join(' / ')}) cpu ${r.cpuPct}%\n`);
        }
      }, { GATEWAY_WORKERS: '2' });
    }
  }
  return Object.fromEntries(
    Object.entries(runs).map(([name, { one, two }]) => {
      const scaling = one.map((r, i) => Math.round((two[i]!.rps / r.rps) * 100) / 100);
      return [name, { one, two, scalingEachRound: scaling, scaling: median(scaling, 2) }];
    }),
  );
}
