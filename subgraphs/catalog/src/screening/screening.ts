import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import type { DomainEvent } from '@cinema/events';
import { id, isoDateTime } from '@cinema/subgraph-runtime';
import { DEFAULT_CAPACITY } from '../cinema/cinema';

/** Credits per seat of a screening scheduled without a price (and of those scheduled before prices existed). */
export const DEFAULT_PRICE = 10;
export const MAX_PRICE = 100_000;

/**
 * Seats held for one booking (PENDING or CONFIRMED), in the screening's `holds` under the booking's
 * id: enough to reconcile a hold whose booking document never got written (booking/sweeper.ts).
 */
export interface SeatHold {
  userId: ObjectId;
  seats: number[];
  amount: number;
  at: Date;
}

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
  /** Copied from the cinema when scheduled (a cinema's capacity never changes). */
  capacity?: number;
  /** Credits per seat. */
  price?: number;
  /**
   * The seats held by live bookings, flat, so that ONE conditional update can hold seats only if
   * none is taken (`seatsTaken: { $nin: seats }`): no seat is ever sold twice (docs/bookings.md).
   */
  seatsTaken?: number[];
  /** The same seats by booking id. */
  holds?: Record<string, SeatHold>;
  /** Counts holds, so the sweeper can tell that none came in while it checked (seat-holds.ts). */
  holdSeq?: number;
  /** Set by a hold and by a cancellation: the sweeper has holds of this screening to look at. */
  holdsUnchecked?: true;
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
  price: z
    .number()
    .int({ error: 'must be a whole number of credits' })
    .min(0, { error: 'must not be negative' })
    .max(MAX_PRICE, { error: `must be at most ${MAX_PRICE}` })
    .nullish()
    .transform((p) => p ?? DEFAULT_PRICE),
});
export type ScheduleScreeningInput = z.infer<typeof scheduleScreeningInput>;

export const capacityOf = (doc: Pick<ScreeningDoc, 'capacity'>) => doc.capacity ?? DEFAULT_CAPACITY;
export const priceOf = (doc: Pick<ScreeningDoc, 'price'>) => doc.price ?? DEFAULT_PRICE;

/** `cinemaId`/`movieId` are not schema fields: they are kept for the `cinema`/`movie` resolvers. */
export function toGraphQL(doc: ScreeningDoc) {
  const taken = doc.seatsTaken ?? [];
  return {
    id: doc._id.toHexString(),
    cinemaId: doc.cinemaId.toHexString(),
    movieId: doc.movieId.toHexString(),
    startsAt: doc.startsAt.toISOString(),
    isPremiere: doc.isPremiere,
    cancelledAt: doc.cancelledAt ? doc.cancelledAt.toISOString() : null,
    capacity: capacityOf(doc),
    price: priceOf(doc),
    takenSeats: [...taken].sort((a, b) => a - b),
    // Nothing can be booked at a cancelled screening, whatever it still holds.
    seatsLeft: doc.cancelledAt ? 0 : capacityOf(doc) - taken.length,
  };
}
export type ScreeningObject = ReturnType<typeof toGraphQL>;
