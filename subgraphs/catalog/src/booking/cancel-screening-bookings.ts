import { ObjectId } from 'mongodb';
import type { Cause } from '@cinema/events';
import type { ScreeningDoc } from '../screening/screening';
import type { BookingSaga } from './saga';
import { settleBooking } from './settle';

export const SCREENING_CANCELLED = 'the screening was cancelled';

/**
 * A cancelled screening cancels its live bookings (each refunded by users on booking.cancelled).
 * Called right after the cancellation; the sweeper does the same for a screening whose canceller
 * died before this ran (the cancellation flagged its holds). Returns how many this call cancelled.
 */
export async function cancelScreeningBookings(saga: BookingSaga, screening: Pick<ScreeningDoc, 'holds'>, cause: Cause): Promise<number> {
  let cancelled = 0;
  for (const bookingId of Object.keys(screening.holds ?? {})) {
    const { applied } = await settleBooking(saga, new ObjectId(bookingId), { type: 'cancel', reason: SCREENING_CANCELLED }, cause);
    if (applied) cancelled++;
  }
  return cancelled;
}
