import { ObjectId } from 'mongodb';
import { checkConsistency, isConsistent, type ConsistencyReport } from '../lib/consistency';
import { MutationLoad, type LoadStats } from './load';
import type { SagaSeed } from './saga-seed';
import type { Scenario } from './scenarios';
import type { ChaosStack } from './stack';

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

/** The statuses the scenario's bookings ended in: the saga's paths the fault made it take. */
async function bookingOutcomes(stack: ChaosStack, ids: Set<string>): Promise<Record<string, number>> {
  const docs = await stack.mongo.db(stack.databases.catalog).collection('bookings').find({ _id: { $in: [...ids].map((id) => new ObjectId(id)) } }, { projection: { status: 1 } }).toArray();
  const outcomes: Record<string, number> = {};
  for (const d of docs) outcomes[d.status] = (outcomes[d.status] ?? 0) + 1;
  return outcomes;
}

/** Every write the system acknowledged must exist in its source (a reply is a promise). */
async function acknowledgedMissing(stack: ChaosStack, load: MutationLoad): Promise<string[]> {
  const missing: string[] = [];
  const where = { users: [stack.databases.users, 'users'], movies: [stack.databases.movies, 'movies'], reviews: [stack.databases.movies, 'reviews'], screenings: [stack.databases.catalog, 'screenings'], bookings: [stack.databases.catalog, 'bookings'] } as const;
  for (const [kind, ids] of Object.entries(load.acknowledged) as Array<[keyof typeof where, Set<string>]>) {
    const [db, collection] = where[kind];
    const found = await stack.mongo.db(db).collection(collection).countDocuments({ _id: { $in: [...ids].map((id) => new ObjectId(id)) } });
    if (found !== ids.size) missing.push(`${ids.size - found} acknowledged ${kind} missing from ${db}.${collection}`);
  }
  return missing;
}

/**
 * One scenario: a steady mutation load, the fault in the middle of it, the load stopped and every
 * fault healed, then the consistency check repeated until the system converged (or `convergeMs`).
 */
export async function runScenario(stack: ChaosStack, scenario: Scenario, o: { faultMs: number; ratePerSecond: number; cinemaId: string; saga?: SagaSeed; convergeMs?: number }): Promise<ScenarioResult> {
  const eventsBefore = await eventsProduced(stack);
  const load = new MutationLoad(stack.gatewayUrl, stack.headers, { ratePerSecond: o.ratePerSecond, concurrency: 3, cinemaId: o.cinemaId, saga: o.saga });
  load.start();
  let extra: Awaited<ReturnType<Scenario['inject']>> = {};
  try {
    await sleep(2_000);
    extra = await scenario.inject(stack, o.faultMs);
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
  const details = [...report.details, ...(await acknowledgedMissing(stack, load)), ...crashes.map((c) => `unexpected: ${c}`)];
  const problem = await extra.check?.();
  if (problem) details.push(`unexpected: ${problem}`);
  const lostAcks = details.filter((d) => d.includes('acknowledged')).length;
  return {
    name: scenario.name,
    load: load.stats,
    bookings: load.acknowledged.bookings.size,
    bookingOutcomes: await bookingOutcomes(stack, load.acknowledged.bookings),
    events: (await eventsProduced(stack)) - eventsBefore,
    lost: report.lost + lostAcks,
    duplicated: report.duplicated,
    unexpected: report.unexpected + (problem ? 1 : 0) + crashes.length,
    convergedInMs,
    details,
    note: extra.note,
  };
}

export const describeResult = (r: ScenarioResult) =>
  `${r.name}: mutations=${r.load.sent} ok=${r.load.ok} rejected=${r.load.rejected} failed=${r.load.failed} ` +
  `bookings=${r.bookings}${Object.keys(r.bookingOutcomes).length ? ` (${Object.entries(r.bookingOutcomes).map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ')})` : ''} events=${r.events} ` +
  `lost=${r.lost} duplicated=${r.duplicated} unexpected=${r.unexpected} converged=${r.convergedInMs === null ? 'no' : `${(r.convergedInMs / 1000).toFixed(1)}s`}` +
  (r.note ? `\n    ${r.note}` : '');
