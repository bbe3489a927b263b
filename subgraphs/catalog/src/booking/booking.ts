import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import type { BOOKING_STATUSES, DomainEvent } from '@cinema/events';
import { id } from '@cinema/subgraph-runtime';

export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/**
 * The bookings collection's document: one booking, the saga of docs/bookings.md. Its seats are held
 * in the screening's document (screening/seat-holds.ts) under this booking's id; `releasePending`
 * says that a closed booking's seats may still be held there (set with the closing write, cleared
 * once released: a crash in between leaves the sweeper something to finish).
 */
export interface BookingDoc {
  _id: ObjectId;
  userId: ObjectId;
  screeningId: ObjectId;
  seats: number[];
  amount: number;
  status: BookingStatus;
  /** Why a booking was rejected, expired or cancelled; null otherwise. */
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Still PENDING at this instant, it expires (BOOKING_TIMEOUT_MS after it was requested). */
  deadline: Date;
  version: number;
  outbox?: DomainEvent[];
  releasePending?: true;
  /** The bookSeats request's id: the events of the booking's later steps carry it too (one trace). */
  correlationId?: string;
}

/** Live bookings hold their seats; the others are closed for good. */
export const isLive = (status: BookingStatus) => status === 'PENDING' || status === 'CONFIRMED';

/** Ten seats at most per booking: a party, not the whole house. */
export const MAX_SEATS_PER_BOOKING = 10;

export const bookSeatsInput = z.object({
  screeningId: id(),
  seats: z
    .array(z.number().int({ error: 'must be whole seat numbers' }).min(1, { error: 'are numbered from 1' }), { error: 'must be a list of seat numbers' })
    .min(1, { error: 'must name at least one seat' })
    .max(MAX_SEATS_PER_BOOKING, { error: `must name at most ${MAX_SEATS_PER_BOOKING} seats` })
    .refine((seats) => new Set(seats).size === seats.length, { error: 'must not name a seat twice' }),
  // Admins only: whom the booking is for (by default, the caller).
  userId: id().nullish(),
});
export type BookSeatsInput = z.infer<typeof bookSeatsInput>;

/** `screeningId`/`userId` are not schema fields: they are kept for the `screening`/`user` resolvers. */
export function toGraphQL(doc: BookingDoc) {
  return {
    id: doc._id.toHexString(),
    status: doc.status,
    seats: [...doc.seats].sort((a, b) => a - b),
    amount: doc.amount,
    reason: doc.reason,
    createdAt: doc.createdAt.toISOString(),
    screeningId: doc.screeningId.toHexString(),
    userId: doc.userId.toHexString(),
  };
}
export type BookingObject = ReturnType<typeof toGraphQL>;
