import { ObjectId } from 'mongodb';
import type { LoadOp } from './load';
import type { ChaosStack } from './stack';

/**
 * A part of the chaos load, with what must hold once the system is quiet: `ops` go into the
 * MutationLoad, `missing` names every acknowledged write the sources do not hold (each one counts as
 * lost). The cinema's writes are one, the booking saga's another (cinema-writes.ts, booking-writes.ts).
 */
export interface Workload {
  ops: LoadOp[];
  missing(stack: ChaosStack): Promise<string[]>;
}

/** An entity the load created, and when: a few seconds old, its events have reached the replicas. */
export interface Entity {
  id: string;
  at: number;
}

/** What the load created so far, shared by the workloads (bookings are made for its users and screenings). */
export interface Made {
  users: Entity[];
  movies: Entity[];
  screenings: Entity[];
}

export const made = (): Made => ({ users: [], movies: [], screenings: [] });
export const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];
export const tag = () => Math.random().toString(36).slice(2, 10);
// Entities a few seconds old: their events have had time to reach the replicas a write checks.
export const settled = (list: Entity[]) => list.filter((e) => Date.now() - e.at > 2_000).map((e) => e.id);

/** How many of `ids` a source collection holds, as a problem line when some are missing. */
export async function missingFrom(stack: ChaosStack, kind: string, db: string, collection: string, ids: Set<string>): Promise<string[]> {
  const count = await stack.mongo.db(db).collection(collection).countDocuments({ _id: { $in: [...ids].map((id) => new ObjectId(id)) } });
  return count === ids.size ? [] : [`${ids.size - count} acknowledged ${kind} missing from ${db}.${collection}`];
}
