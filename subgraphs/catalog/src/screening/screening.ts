import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import { id, isoDateTime } from '@cinema/service-kit';

/**
 * The screenings collection's document. `version` is the aggregate version events will carry.
 * Cancelling sets `cancelledAt` instead of deleting, so references to the screening still resolve.
 */
export interface ScreeningDoc {
  _id: ObjectId;
  cinemaId: ObjectId;
  /** Owned by the movies subgraph; only its format is checked until catalog replicates movies. */
  movieId: ObjectId;
  startsAt: Date;
  isPremiere: boolean;
  createdAt: Date;
  version: number;
  cancelledAt: Date | null;
}

export const scheduleScreeningInput = z.object({
  cinemaId: id(),
  movieId: id(),
  startsAt: isoDateTime(),
  // GraphQL hands an omitted optional argument over as undefined and an explicit one as null.
  isPremiere: z
    .boolean()
    .nullish()
    .transform((b) => b ?? false),
});
export type ScheduleScreeningInput = z.infer<typeof scheduleScreeningInput>;

/** `cinemaId`/`movieId` are not schema fields: they are kept for the `cinema`/`movie` resolvers. */
export function toGraphQL(doc: ScreeningDoc) {
  return {
    id: doc._id.toHexString(),
    cinemaId: doc.cinemaId.toHexString(),
    movieId: doc.movieId.toHexString(),
    startsAt: doc.startsAt.toISOString(),
    isPremiere: doc.isPremiere,
    cancelledAt: doc.cancelledAt ? doc.cancelledAt.toISOString() : null,
  };
}
export type ScreeningObject = ReturnType<typeof toGraphQL>;
