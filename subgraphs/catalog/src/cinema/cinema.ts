import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import { id, text } from '@cinema/subgraph-runtime';

/**
 * Seats of a cinema whose creator named none (and of cinemas created before capacities existed):
 * a mid-sized single screen. Seats are numbered 1..capacity.
 */
export const DEFAULT_CAPACITY = 100;
/** The largest auditorium there is seats some 4 000; anything larger is a typo. */
export const MAX_CAPACITY = 5_000;

/** The cinemas collection's document. `version` is the aggregate version events will carry. */
export interface CinemaDoc {
  _id: ObjectId;
  cityId: ObjectId;
  name: string;
  /** Absent on cinemas created before capacities existed: DEFAULT_CAPACITY. */
  capacity?: number;
  createdAt: Date;
  version: number;
}

export const createCinemaInput = z.object({
  cityId: id(),
  name: text(100),
  // GraphQL hands an omitted optional argument over as undefined and an explicit one as null.
  capacity: z
    .number()
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(MAX_CAPACITY, { error: `must be at most ${MAX_CAPACITY}` })
    .nullish()
    .transform((c) => c ?? DEFAULT_CAPACITY),
});
export type CreateCinemaInput = z.infer<typeof createCinemaInput>;

/** `cityId` is not a schema field: it is kept for the `Cinema.city` resolver. */
export function toGraphQL(doc: CinemaDoc) {
  return { id: doc._id.toHexString(), name: doc.name, capacity: capacityOf(doc), cityId: doc.cityId.toHexString() };
}
export type CinemaObject = ReturnType<typeof toGraphQL>;

export const capacityOf = (doc: Pick<CinemaDoc, 'capacity'>) => doc.capacity ?? DEFAULT_CAPACITY;
