import type { ObjectId } from 'mongodb';
import type { Cause } from '@cinema/events';
import type { BookingDoc } from './booking';
import type { Transition } from './evolve';
import type { BookingSaga } from './saga';

/**
 * One step of a booking: the transition (its event in the booking's outbox), then, for a closing
 * one, the compensation: its seats back in the screening. Two documents, two writes, in this order:
 * the booking says `releasePending` until the release is done, so a crash in between leaves the
 * sweeper (or a redelivery of the same step) the release to finish. Both writes are idempotent.
 */
export async function settleBooking(saga: BookingSaga, id: ObjectId, t: Transition, cause: Cause): Promise<{ doc: BookingDoc | null; applied: boolean }> {
  const changed = await saga.bookings.transition(id, t, cause);
  const doc = changed ?? (await saga.bookings.findById(id));
  if (doc?.releasePending) await releaseSeats(saga, doc);
  return { doc: doc && { ...doc, releasePending: undefined }, applied: changed !== null };
}

export async function releaseSeats(saga: BookingSaga, doc: Pick<BookingDoc, '_id' | 'screeningId' | 'seats'>): Promise<void> {
  await saga.holds.release(doc.screeningId, doc._id, doc.seats);
  await saga.bookings.released(doc._id);
}
