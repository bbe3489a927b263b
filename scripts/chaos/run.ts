import { checkConsistency, isConsistent, type ConsistencyReport } from '../lib/consistency';
import { bookingWrites } from './booking-writes';
import { cinemaWrites } from './cinema-writes';
import { MutationLoad, type LoadStats } from './load';
import { movieWatch } from './movie-watch';
import type { SagaSeed } from './saga-seed';
import type { Scenario } from './scenario';
import type { ChaosStack } from './stack';
import { made, type Workload } from './workload';

export interface ScenarioResult {
  name: string;
  load: LoadStats;
  /** Bookings acknowledged (PENDING at the time) during the scenario. */
  bookings: number;
  /** What became of them once the system converged, by status. */
  bookingOutcomes: Record<string, number>;
  events: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  convergedInMs: number | null;
  details: string[];
  /** What the scenario measured besides the counts (e.g. latencies under the fault). */
  note?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Events the sources have produced so far: every write bumps its aggregate's version by one and
 * records one event, so the sum of versions counts them exactly, across crashes and broker restarts
 * (the consistency check separately proves each one left its outbox and reached the replicas). A
 * user's document holds two aggregates: the profile (`version`) and the credit account (`creditsVersion`).
 */
async function eventsProduced(stack: ChaosStack): Promise<number> {
  let total = 0;
  const { users, movies, catalog } = stack.databases;
  const sources = [[users, 'users', 'version'], [users, 'users', 'creditsVersion'], [users, 'booking_rejections', 'version'], [movies, 'movies', 'version'], [movies, 'reviews', 'version'], [catalog, 'screenings', 'version'], [catalog, 'bookings', 'version']] as const;
  for (const [db, collection, field] of sources) {
    for await (const doc of stack.mongo.db(db).collection(collection).find({}, { projection: { [field]: 1 } })) total += Number(doc[field] ?? (field === 'version' ? 1 : 0));
  }
  return total;
}

/**
 * One scenario: a steady mutation load, the fault in the middle of it, the load stopped and every
 * fault healed, then the consistency check repeated until the system converged (or `convergeMs`).
 */
export async function runScenario(stack: ChaosStack, scenario: Scenario, o: { faultMs: number; ratePerSecond: number; cinemaId: string; saga?: SagaSeed; convergeMs?: number }): Promise<ScenarioResult> {
  const eventsBefore = await eventsProduced(stack);
  // The parts of the load, each with its own check at the end; bookings go to the cinema's users and screenings.
  const created = made();
  const bookings = bookingWrites(created, o.saga);
  const workloads: Workload[] = [cinemaWrites(o.cinemaId, created), bookings];
  // Subscribers follow movies the load renames: delivered in order through the fault, resumed after it.
  const watch = movieWatch(stack);
  await watch.start();
  const load = new MutationLoad(stack.gatewayUrl, stack.headers, { ratePerSecond: o.ratePerSecond, ops: [...workloads.flatMap((w) => w.ops), watch.op] });
  load.start();
  let extra: Awaited<ReturnType<Scenario['inject']>> = {};
  try {
    await sleep(2_000);
    extra = await scenario.inject(stack, o.faultMs, load);
    await sleep(1_000);
  } finally {
    await load.stop();
    await stack.heal();
  }
  const quiet = Date.now();
  const deadline = quiet + (o.convergeMs ?? 90_000);
  let report: ConsistencyReport;
  while (!isConsistent((report = await checkConsistency(stack.mongo, stack.databases))) && Date.now() < deadline) await sleep(500);
  const convergedInMs = isConsistent(report) ? Date.now() - quiet : null;
  const crashes = stack.takeCrashes();
  const missing = (await Promise.all(workloads.map((w) => w.missing(stack)))).flat();
  const details = [...report.details, ...missing, ...crashes.map((c) => `unexpected: ${c}`)];
  const problem = await extra.check?.();
  if (problem) details.push(`unexpected: ${problem}`);
  const live = await watch.check().finally(() => watch.stop());
  details.push(...live.lost.map((l) => `lost: ${l}`), ...live.unexpected.map((u) => `unexpected: ${u}`));
  const lostAcks = missing.length + live.lost.length;
  return {
    name: scenario.name,
    load: load.stats,
    bookings: bookings.acknowledged.size,
    bookingOutcomes: await bookings.outcomes(stack),
    events: (await eventsProduced(stack)) - eventsBefore,
    lost: report.lost + lostAcks,
    duplicated: report.duplicated,
    unexpected: report.unexpected + (problem ? 1 : 0) + crashes.length + live.unexpected.length,
    convergedInMs,
    details,
    note: [extra.note, live.note].filter(Boolean).join('\n    '),
  };
}

export const describeResult = (r: ScenarioResult) =>
  `${r.name}: mutations=${r.load.sent} (${r.load.perSecond}/s, p50 ${r.load.p50Ms} ms) ok=${r.load.ok} rejected=${r.load.rejected} failed=${r.load.failed} ` +
  `bookings=${r.bookings}${Object.keys(r.bookingOutcomes).length ? ` (${Object.entries(r.bookingOutcomes).map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ')})` : ''} events=${r.events} ` +
  `lost=${r.lost} duplicated=${r.duplicated} unexpected=${r.unexpected} converged=${r.convergedInMs === null ? 'no' : `${(r.convergedInMs / 1000).toFixed(1)}s`}` +
  (r.note ? `\n    ${r.note}` : '');
