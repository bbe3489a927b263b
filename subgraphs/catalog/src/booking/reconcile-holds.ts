import { ObjectId } from 'mongodb';
import type { Cause } from '@cinema/events';
import type { ScreeningDoc } from '../screening/screening';
import { isLive } from './booking';
import { SCREENING_CANCELLED } from './cancel-screening-bookings';
import type { BookingSaga } from './saga';
import { releaseSeats, settleBooking } from './settle';

export const NEVER_RECORDED = 'the booking was not recorded before its deadline';

/**
 * Makes a flagged screening's holds agree with the bookings (the sweeper's third task):
 * - a hold whose booking was never recorded (its request died between the two writes), once past
 *   the deadline: the booking is inserted as EXPIRED, which also refuses the request's own insert
 *   should it still come (same id), and the seats are released;
 * - a hold of a closed booking: released (its own release did not happen);
 * - a live booking at a cancelled screening: cancelled (its canceller did not get to it).
 * True when every hold was found in order and the flag could be cleared.
 */
export async function reconcileHolds(saga: BookingSaga, screening: ScreeningDoc, timeoutMs: number, cause: Cause): Promise<boolean> {
  const holds = Object.entries(screening.holds ?? {});
  const docs = holds.length > 0 ? await saga.bookings.findByIds(holds.map(([id]) => new ObjectId(id))) : [];
  const byId = new Map(docs.map((d) => [d._id.toHexString(), d]));
  const now = saga.now();
  let settled = true;
  for (const [id, hold] of holds) {
    const doc = byId.get(id);
    if (!doc) {
      const deadline = new Date(hold.at.getTime() + timeoutMs);
      // Still within its deadline: the request may be recording it right now.
      if (now < deadline) { settled = false; continue; }
      const booking = { _id: new ObjectId(id), userId: hold.userId, screeningId: screening._id, seats: hold.seats, amount: hold.amount, createdAt: hold.at, deadline };
      const closed = await saga.bookings.insert({ ...booking, status: 'EXPIRED', reason: NEVER_RECORDED, updatedAt: now }, cause);
      if (closed) await releaseSeats(saga, closed);
      else settled = false; // recorded meanwhile after all: look again next time
    } else if (!isLive(doc.status)) {
      await releaseSeats(saga, doc);
    } else if (screening.cancelledAt) {
      await settleBooking(saga, doc._id, { type: 'cancel', reason: SCREENING_CANCELLED }, { correlationId: doc.correlationId ?? cause.correlationId });
    }
  }
  return settled && (await saga.holds.checked(screening));
}
