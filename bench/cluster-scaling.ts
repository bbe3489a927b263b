/**
 * `--only=cluster`: this gateway with one worker and with two (gateway/src/cluster.ts), both cores
 * for it, on the deep query (identical operations: shared answers) and on distinct operations (each
 * executed). Three configurations, back to back in every round so a ratio compares windows seconds
 * apart: one worker on core 1 alone (as every gateway in the comparison runs), one worker given both
 * cores, and two workers on both cores. "Across cores" is two workers on two cores against one worker
 * on one core. One worker given both cores is not that baseline: its garbage collector's helper
 * threads run on the other core (it used 97–126% of a core in the runs of issue 26),
 * so "two workers against it" measures what a second worker adds on this machine, not scaling. The
 * load generator and the in-memory subgraphs stay on core 0 throughout, so "two cores" is two cores
 * shared with them: the scaling figure is a floor. Requests per CPU-second say what a request costs
 * each configuration, whatever bounded its window.
 */
import type { BenchConfig } from './config';
import { median, workloads, type Target } from './gateway-only';
import { measure, perCpuSecond, type LoadResult } from './load';
import { withGateway } from './optimisations';

type Config = 'oneCore' | 'one' | 'two';
/** One worker on the comparison's gateway core; one worker, and two, on both cores. */
const configs = (cfg: BenchConfig): Record<Config, { entry: string; cpus: string }> => ({
  oneCore: { entry: 'gateway/src/index.ts', cpus: cfg.gatewayCpus },
  one: { entry: 'gateway/src/index.ts', cpus: '0-1' },
  two: { entry: 'gateway/src/cluster.ts', cpus: '0-1' },
});

const perCpu = (r: LoadResult) => perCpuSecond(r.rps, r.cpuPct);

export async function clusterScaling(cfg: BenchConfig, t: Target) {
  const w = workloads(t);
  const load = { deep: w.deep, distinct: w.distinct } as const;
  const setups = configs(cfg);
  const all = Object.keys(setups) as Config[];
  const runs: Record<string, Record<Config, LoadResult[]>> = {
    deep: { oneCore: [], one: [], two: [] },
    distinct: { oneCore: [], one: [], two: [] },
  };
  const spec = (url: string, body: string | (() => string)) => ({ url, body, connections: cfg.connections, seconds: cfg.seconds, warmupSeconds: cfg.warmupSeconds });
  for (let round = 1; round <= cfg.rounds; round++) {
    // The order turns each round, as in the gateway comparison.
    const turn = (round - 1) % all.length;
    for (const c of [...all.slice(turn), ...all.slice(0, turn)]) {
      await withGateway(setups[c].entry, t, setups[c].cpus, async (url, pid) => {
        for (const [name, body] of Object.entries(load)) {
          const r = await measure(spec(url, body), pid);
          runs[name]![c].push(r);
          process.stderr.write(`  cluster r${round} ${name.padEnd(8)} ${c.padEnd(7)} ${r.rps} req/s p99 ${r.p99} ms rss ${r.peakRssMb} MB (each ${r.peakRssEachMb?.join(' / ')}) cpu ${r.cpuPct}%\n`);
        }
      }, { GATEWAY_WORKERS: '2' });
    }
  }
  const ratios = (a: LoadResult[], b: LoadResult[]) => a.map((r, i) => Math.round((r.rps / b[i]!.rps) * 100) / 100);
  return Object.fromEntries(
    Object.entries(runs).map(([name, { oneCore, one, two }]) => {
      // Across cores: two workers on both cores against one worker on one core.
      const scaling = ratios(two, oneCore);
      // On this machine: does a second worker help a worker that already has both cores (its GC threads on the other)?
      const overOneOnBoth = ratios(two, one);
      const cpuSeconds = { oneCore: oneCore.map(perCpu), one: one.map(perCpu), two: two.map(perCpu) };
      return [name, { oneCore, one, two, scalingEachRound: scaling, scaling: median(scaling, 2), overOneOnBothEachRound: overOneOnBoth, overOneOnBoth: median(overOneOnBoth, 2), perCpuSecond: cpuSeconds }];
    }),
  );
}
