import { z } from 'zod';
import { entityId } from './envelope';

/**
 * Published on the `catalog` exchange by the catalog subgraph: every change of a booking (the saga
 * of docs/bookings.md). Each carries the booking's whole state after the change, so a consumer
 * (users' ledger, later the `bookingUpdated` subscription) needs nothing else.
 */
const id = entityId;
export const BOOKING_STATUSES = ['PENDING', 'CONFIRMED', 'REJECTED', 'EXPIRED', 'CANCELLED'] as const;
export const bookingState = z.object({
  id,
  userId: id,
  screeningId: id,
  seats: z.array(z.number().int().positive()).min(1),
  /** Credits: seats × the screening's price. */
  amount: z.number().int().nonnegative(),
  status: z.enum(BOOKING_STATUSES),
  reason: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});

const booking = { exchange: 'catalog', aggregateType: 'booking', schemaVersion: 1, data: bookingState } as const;
export const bookingEvents = {
  /** Seats held, a debit asked of users (the saga's first step). */
  'booking.requested': booking,
  'booking.confirmed': booking,
  /** users refused the debit: seats released. */
  'booking.rejected': booking,
  /** No answer before the deadline: seats released; users refunds a debit that comes late. */
  'booking.expired': booking,
  /** By its owner, an admin, or its screening's cancellation: seats released, users refunds. */
  'booking.cancelled': booking,
} as const;
