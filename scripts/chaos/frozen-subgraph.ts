import { percentile, ReadLoad } from './read-load';
import { sleep, type Scenario } from './scenario';

/**
 * A sick subgraph costs only its own fields, fast: catalog frozen (every instance) past the gateway's
 * fetch timeout under a read load beside the mutation load; reads that do not touch it must keep
 * their pace, reads that do must get full or partial answers, never a 5xx.
 */
export const frozenUnderReads: Scenario = {
  name: 'a subgraph frozen under read load', local: true, quick: true,
  async inject(s, ms) {
    // Reads beside the mutation load: some never touch catalog, some select Movie.screenings.
    const reads = new ReadLoad(s.gatewayUrl, s.headers);
    reads.start();
    await sleep(1_000);
    reads.measure();
    await sleep(Math.max(4_000, ms / 3));
    reads.faultStarts();
    // Frozen past the gateway's subgraph timeout (5 s here), so its breaker opens within the fault;
    // every instance of catalog: the scenario is about a sick subgraph, not a sick instance.
    const catalog = s.instancesOf('catalog').map((i) => s.processes.get(i)!);
    for (const p of catalog) p.kill('SIGSTOP');
    await sleep(Math.max(ms, 10_000));
    for (const p of catalog) p.kill('SIGCONT');
    await reads.stop();
    const [before, during] = [percentile(reads.latencies.before, 0.99), percentile(reads.latencies.during, 0.99)];
    const { full, partial, other, partialMs } = reads.touching;
    const note =
      `reads not touching catalog: p99 ${before.toFixed(0)} ms before, ${during.toFixed(0)} ms frozen (${reads.latencies.during.length} reads); ` +
      `reads touching it: ${partial} partial (p50 ${percentile(partialMs, 0.5).toFixed(0)} ms), ${full} full, ${other} other; HTTP 5xx: ${reads.http5xx}`;
    const problems = [
      ...reads.problems,
      ...(during > 2 * before ? [`reads not touching catalog slowed down: p99 ${during.toFixed(0)} ms against ${before.toFixed(0)} ms before`] : []),
      ...(partial === 0 ? ['no read touching catalog got a partial answer'] : []),
      ...(reads.http5xx > 0 ? [`${reads.http5xx} HTTP 5xx answers`] : []),
    ];
    return { note, check: async () => (problems.length ? problems.join('; ') : undefined) };
  },
};
