/**
 * `npm run bench [-- --quick] [-- --only=gateway-only,system,events,bookings,subscriptions,optimisations,profile,traffic,switches]`
 * Runs every measurement in ONE run (ratios only mean something side by side on a shared machine)
 * and writes bench/results/latest.json, docs/benchmarks.md and docs/benchmarks-chart.svg.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { bookingBench } from './bookings';
import { subscriptionBench } from './subscriptions';
import { clusterScaling } from './cluster-scaling';
import { machineCeiling } from './machine-ceiling';
import { barChart } from './chart';
import { benchConfig } from './config';
import { eventPath } from './event-path';
import { benchGateways, startFakeSubgraphs, SYSTEM_WORKLOADS, workloads, type Row, type Target } from './gateway-only';
import { GATEWAYS } from './gateways';
import { optimisations, toggles } from './optimisations';
import { ROOT, pinning } from './processes';
import { profileGateway } from './profile';
import { body, DEEP } from './queries';
import { writeReport } from './report';
import { resetBenchData, startSystem } from './system';
import { subgraphTraffic } from './subgraph-traffic';
import { switches } from './switches';

// The load generator (this process) runs on core 0; gateways get core 1 (see config.ts).
if (pinning === 'taskset' && !process.env.BENCH_PINNED) {
  const r = spawnSync('taskset', ['-c', '0', process.execPath, ...process.execArgv, __filename, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, BENCH_PINNED: '1' } });
  process.exit(r.status ?? 1);
}

const say = (m: string) => process.stderr.write(`› ${m}\n`);

/** Subgraph requests of one small and one deep query, per gateway (and ours without deduplication). */
const traffic = (t: Target) => {
  const w = workloads(t);
  const variants = [...GATEWAYS, { name: 'ours, dedupe off', label: '', entry: GATEWAYS[0]!.entry, env: { ...GATEWAYS[0]!.env, DEDUPE_REPRESENTATIONS: 'off' } }];
  return subgraphTraffic(t, variants, { small: w.small, deep: w.deep });
};

async function main() {
  const cfg = benchConfig();
  const started = Date.now();
  const results: Record<string, any> = {
    startedAt: new Date().toISOString(),
    quick: cfg.quick,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, pinning, loadAverageAtStart: spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.trim() },
    config: cfg,
    rows: [] as Row[],
  };
  const has = (p: string) => cfg.parts.includes(p);
  if (has('system') || has('events') || has('bookings')) await resetBenchData();

  if (has('gateway-only') || has('optimisations') || has('profile') || has('traffic') || has('switches') || has('cluster')) {
    say('gateway only: in-memory subgraphs');
    const fake = await startFakeSubgraphs(cfg);
    try {
      if (has('gateway-only')) results.rows.push(...(await benchGateways(cfg, 'gateway-only', fake.target)));
      if (has('traffic')) {
        say('subgraph traffic per query (counting proxies)');
        results.traffic = { 'gateway-only': await traffic(fake.target) };
      }
      if (has('optimisations')) {
        say('optimisations');
        results.optimisations = await optimisations(cfg, fake.target);
      }
      if (has('switches')) {
        say(`switches on/off, deep query, ${cfg.rounds} rounds with every variant in each`);
        results.switches = await switches(cfg, fake.target);
      }
      if (has('cluster')) {
        say(`workers: one and two (cluster.ts) on both cores, deep identical and distinct, ${cfg.rounds} rounds`);
        results.cluster = await clusterScaling(cfg, fake.target);
        say(`this machine's own ceiling on two cores: a gateway-shaped kernel alone on core ${cfg.gatewayCpus}, then on both cores, ${cfg.rounds} rounds`);
        results.clusterCeiling = await machineCeiling(cfg);
      }
      if (has('profile')) {
        say('profiles (--cpu-prof) of this gateway and Hive on the deep query (identical and distinct) and the small lookup');
        const w = workloads(fake.target);
        const [ours, hive, makers] = [GATEWAYS[0]!, GATEWAYS[2]!, GATEWAYS[3]!];
        const deep = body(DEEP);
        results.profiles = {
          deep: { ours: await profileGateway(cfg, ours, fake.target, deep), hive: await profileGateway(cfg, hive, fake.target, deep), 'hive-makers': await profileGateway(cfg, makers, fake.target, deep) },
          distinct: { ours: await profileGateway(cfg, ours, fake.target, w.distinct), hive: await profileGateway(cfg, hive, fake.target, w.distinct) },
          small: { ours: await profileGateway(cfg, ours, fake.target, w.small), hive: await profileGateway(cfg, hive, fake.target, w.small) },
        };
      }
    } finally {
      await fake.stop();
    }
  }

  if (has('system')) {
    say('whole system: real subgraphs on FerretDB and RabbitMQ');
    const sys = await startSystem({}, cfg.otherCpus);
    const target: Target = { urls: { users: sys.stack.urls.users, movies: sys.stack.urls.movies, catalog: sys.stack.urls.catalog }, smallId: sys.smallId };
    try {
      results.rows.push(...(await benchGateways(cfg, 'system', target, GATEWAYS, cfg.systemConnections, SYSTEM_WORKLOADS)));
      // With the system part only: starting the whole system is slow, the gateway-only rows are the primary ones.
      if (has('optimisations') && !cfg.quick) {
        say('optimisations on/off, whole system');
        results.systemToggles = await toggles(cfg, target, cfg.systemConnections, SYSTEM_WORKLOADS);
      }
      if (has('traffic')) {
        say('subgraph traffic per query, whole system');
        (results.traffic ??= {}).system = await traffic(target);
      }
    } finally {
      await sys.stop();
    }
  }

  if (has('events')) {
    say('event path: real subgraphs on FerretDB and RabbitMQ, tracing to the bench (hop timings)');
    results.events = await eventPath(cfg);
    say(`events: ${JSON.stringify(results.events)}`);
  }

  if (has('bookings')) {
    say('booking saga: bookSeats through the gateway → CONFIRMED (catalog → users → catalog over RabbitMQ)');
    results.bookings = await bookingBench(cfg);
    say(`bookings: ${JSON.stringify(results.bookings)}`);
  }

  if (has('subscriptions')) {
    say('subscriptions: graphql-ws subscribers on one gateway worker while updateMovie runs through it');
    results.subscriptions = await subscriptionBench(cfg);
    say(`subscriptions: ${JSON.stringify(results.subscriptions)}`);
  }

  results.durationSeconds = Math.round((Date.now() - started) / 1000);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  if (cfg.partial) {
    // A run of some parts only (--only=…) keeps its figures apart: the report stays the last whole run's.
    const file = join('bench', 'results', `only-${cfg.parts.join('-')}.json`);
    writeFileSync(join(ROOT, file), JSON.stringify(results, null, 2) + '\n');
    return say(`done in ${results.durationSeconds}s: ${file} (docs/benchmarks.md left as the last whole run wrote it)`);
  }
  writeFileSync(join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  const only = results.rows.filter((r: Row) => r.setting === 'gateway-only');
  writeFileSync(join(ROOT, 'docs', 'benchmarks-chart.svg'), barChart('Gateway alone over in-memory subgraphs: req/s (1 worker each)', only.length ? only : results.rows));
  writeReport(results);
  say(`done in ${results.durationSeconds}s: bench/results/latest.json, docs/benchmarks.md`);
}

// Exits when done: a keep-alive socket or a child's pipe left open must not hold the run for a minute.
main().then(() => process.exit(0)).catch((err) => {
  console.error(err);
  process.exit(1);
});
