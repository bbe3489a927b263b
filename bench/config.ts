/** Durations and load for a full run and for `--quick` (which must finish in under three minutes). */
export function benchConfig(argv = process.argv.slice(2)) {
  const quick = argv.includes('--quick');
  const only = argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  const rate = Number(argv.find((a) => a.startsWith('--events-rate='))?.slice(14) ?? 0);
  const count = Number(argv.find((a) => a.startsWith('--events-count='))?.slice(15) ?? 0);
  const flag = (name: string) => Number(argv.find((a) => a.startsWith(name))?.slice(name.length) ?? 0);
  return {
    quick,
    /** `--only=…` picked the parts: a partial run, which must not overwrite the full report. */
    partial: only !== undefined,
    /**
     * Which parts to run: gateway-only, system, events, bookings, subscriptions, optimisations, profile, traffic, cluster
     * (one and two workers, deep identical and distinct; bench/cluster-scaling.ts), and switches
     * (only when named: every on/off switch in the same rounds, deep query; bench/switches.ts). A full run
     * has them all; `--quick` (under three minutes) keeps the gateway-only setting, its on/off rows
     * (on the deep query only) and the event path, and leaves the whole-system gateway rows, profiles, traffic counts, the
     * opt-in rows and the workers' row out.
     */
    parts: only ?? (quick ? ['gateway-only', 'events', 'optimisations'] : ['gateway-only', 'system', 'events', 'bookings', 'subscriptions', 'optimisations', 'profile', 'traffic', 'cluster']),
    /** Every gateway measured this many times, interleaved (gateway-only.ts); a row is the median. */
    rounds: quick ? 1 : 3,
    seconds: quick ? 2 : 10,
    warmupSeconds: quick ? 1 : 5,
    /** Concurrent connections, as The Guild's 50 virtual users. */
    connections: 50,
    /** The whole system is FerretDB-bound: fewer connections, so latency is not all queueing. */
    systemConnections: 10,
    /**
     * Propagation is measured twice: at `rate`, below what the write path sustains here (its latency),
     * and at the target's 200/s (what happens past saturation). See docs/decisions.md.
     */
    events: { rate: rate || 50, count: count || (quick ? 50 : 500), targetRate: 200, targetCount: quick ? 100 : 600, warmupCount: quick ? 200 : 2_000, floorMessages: quick ? 1_000 : 10_000, e2eEvents: quick ? 40 : 400, drainEvents: quick ? 1_000 : 5_000, bulkEvents: quick ? 500 : 2_000 },
    /** Subscriptions (subscriptions.ts): 1 000 subscribers over 100 connections on one gateway worker, 50 updates/s. */
    subscriptions: { connections: 100, perConnection: 10, movies: flag('--subscriptions-movies=') || 10, rate: flag('--subscriptions-rate=') || 50, sustainedRate: 15, seconds: quick ? 5 : 20 },
    /** The booking saga (bookings.ts): a steady rate for the latency to CONFIRMED, and a burst for bookings/s. */
    bookings: { rate: 20, count: quick ? 100 : 400, burst: quick ? 100 : 400 },
    /** The gateway gets core 1 alone; load generator and subgraphs share core 0. */
    gatewayCpus: '1',
    otherCpus: '0',
  };
}
export type BenchConfig = ReturnType<typeof benchConfig>;
