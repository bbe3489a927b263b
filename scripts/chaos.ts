import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { must } from '@cinema/testing';
import { checkConsistency, isConsistent } from './lib/consistency';
import { ensureMongo, ensureRabbit, ROOT } from './lib/infra';
import { holdLoad, type HeldLoad } from './chaos/held-load';
import { writeReliabilityFigures } from './chaos/report';
import { describeResult, runScenario, type ScenarioResult } from './chaos/run';
import { SCENARIOS } from './chaos/scenarios';
import { useNode } from './chaos/broker';
import { ensureChaosBroker } from './chaos/own-broker';
import { seedSaga } from './chaos/saga-seed';
import { startChaosStack } from './chaos/stack';

// `npm run chaos [-- --quick] [--local] [--only <text>] [--rate N] [--instances N]`: fault scenarios
// under a steady mutation load (N mutations/s asked, default 40), each bounded in time, one line
// each, then `lost=0 duplicated=0 unexpected=0 scenarios=N`. `--instances 2` runs two processes of
// every subgraph and two gateway workers. Broker-wide faults run on a RabbitMQ node of chaos's own
// (own-broker.ts), never on the one `npm start` and the tests use; `--local` keeps to this run's own
// proxies and processes.
const positive = (flag: string, value: string | undefined, fallback: number, max: number) => {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${flag} must be a whole number from 1 to ${max}, got ${value}`);
  return n;
};

async function main() {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, local: { type: 'boolean' }, only: { type: 'string' }, rate: { type: 'string' }, instances: { type: 'string' } } });
  const quick = values.quick ?? false;
  const ratePerSecond = positive('rate', values.rate, 40, 1_000);
  const instances = positive('instances', values.instances, 1, 4);
  const matching = SCENARIOS.filter((s) => (!quick || s.quick) && (!values.local || s.local) && (!values.only || s.name.includes(values.only)));
  const chosen = matching.filter((s) => (s.instances ?? 1) <= instances);
  for (const s of matching.filter((x) => !chosen.includes(x))) console.log(`${s.name}: skipped (needs --instances ${s.instances})`);
  // Broker-wide faults only ever hit a node of chaos's own (the local-only run may share the usual one).
  const [mongoUrl, broker] = await Promise.all([ensureMongo(), values.local ? ensureRabbit().then((amqpUrl) => ({ amqpUrl, node: undefined })) : ensureChaosBroker()]);
  const amqpUrl = broker.amqpUrl;
  if (broker.node) useNode(broker.node);
  process.stderr.write(`› starting a stack of its own (namespace chaos-…, ${instances} instance(s) of each service) for ${chosen.length} scenario(s) at ${ratePerSecond} mutations/s…\n`);
  const stack = await startChaosStack(mongoUrl, amqpUrl, { node: broker.node, instances });
  const results: ScenarioResult[] = [];
  let held: HeldLoad | undefined;
  try {
    const { createCity } = await must(stack.gatewayUrl, 'mutation { createCity(input: { name: "Chaos City" }) { id } }');
    const { createCinema } = await must(stack.gatewayUrl, 'mutation($c: ID!) { createCinema(input: { cityId: $c, name: "Chaos Cinema" }) { id } }', { c: createCity.id });
    const saga = await seedSaga(stack.gatewayUrl, createCinema.id);
    for (const scenario of chosen) {
      const result = await runScenario(stack, scenario, { faultMs: quick ? 6_000 : 15_000, ratePerSecond, cinemaId: createCinema.id, saga });
      results.push(result);
      console.log(describeResult(result));
      for (const d of result.details.slice(0, 10)) console.log(`    ${d}`);
    }
    if (!values.only) {
      const { createMovie } = await must(stack.gatewayUrl, 'mutation { createMovie(input: { title: "Load", durationMinutes: 100 }) { id } }');
      held = await holdLoad(stack.gatewayUrl, stack.headers, { seconds: quick ? 10 : 60, cityId: createCity.id, movieId: createMovie.id });
      const report = await waitConsistent(stack);
      console.log(`load held: ${held.perSecond} req/s for ${held.seconds}s, p50 ${held.p50Ms} ms, p99 ${held.p99Ms} ms, errors=${held.errors}, converged=${isConsistent(report) ? 'yes' : 'no'}`);
      if (!isConsistent(report)) held.errors += report.lost + report.duplicated + report.unexpected;
    }
  } finally {
    await stack.stop();
  }
  const sum = (k: 'lost' | 'duplicated' | 'unexpected') => results.reduce((n, r) => n + r[k], 0);
  const summary = { lost: sum('lost'), duplicated: sum('duplicated'), unexpected: sum('unexpected'), scenarios: results.length };
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  writeFileSync(join(ROOT, '.data', 'chaos-results.json'), JSON.stringify({ at: new Date().toISOString(), quick, ratePerSecond, instances, results, held, summary }, null, 2));
  if (!quick && !values.only && !values.local) writeReliabilityFigures(results, held, { ratePerSecond, instances });
  console.log(`lost=${summary.lost} duplicated=${summary.duplicated} unexpected=${summary.unexpected} scenarios=${summary.scenarios}`);
  const unconverged = results.some((r) => r.convergedInMs === null);
  process.exitCode = summary.lost + summary.duplicated + summary.unexpected > 0 || unconverged || (held?.errors ?? 0) > 0 ? 1 : 0;
}

async function waitConsistent(stack: Awaited<ReturnType<typeof startChaosStack>>) {
  const deadline = Date.now() + 60_000;
  let report = await checkConsistency(stack.mongo, stack.databases);
  while (!isConsistent(report) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    report = await checkConsistency(stack.mongo, stack.databases);
  }
  return report;
}

main().catch((err) => {
  console.error(`✗ ${err instanceof Error ? err.stack : err}`);
  process.exit(2);
});
