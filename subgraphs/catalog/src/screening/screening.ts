import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import type { DomainEvent } from '@cinema/events';
import { id, isoDateTime } from '@cinema/subgraph-runtime';

/** Why a screening was cancelled: by cancelScreening, or because its movie was deleted. */
export type CancelReason = 'cancelled' | 'movie-deleted';

/**
 * The screenings collection's document. `version` is the aggregate version its events carry;
 * `outbox` holds the events of recent changes until the broker confirmed them.
 * Cancelling sets `cancelledAt` instead of deleting, so references to the screening still resolve.
 */
export interface ScreeningDoc {
  _id: ObjectId;
  outbox?: DomainEvent[];
  cinemaId: ObjectId;
  /** Owned by the movies subgraph; checked against catalog's replica of movies when scheduled. */
  movieId: ObjectId;
  startsAt: Date;
  isPremiere: boolean;
  createdAt: Date;
  version: number;
  cancelledAt: Date | null;
  /** Kept so a resync can re-publish the cancellation as it was; absent on screenings still on. */
  cancelReason?: CancelReason;
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
