import { ObjectId } from 'mongodb';
import type { Cause } from '@cinema/events';
import { badUserInput } from '@cinema/serving';
import { capacityOf, priceOf, type ScreeningDoc } from '../screening/screening';
import type { BookingDoc } from './booking';
import type { BookingSaga } from './saga';

export interface BookSeats {
  screeningId: ObjectId;
  seats: number[];
  userId: ObjectId;
}

/**
 * The saga's first step. The seats are held first, in the screening's document, under a new
 * booking id; then the booking is recorded with its booking.requested event. A crash between the
 * two leaves a hold without a booking: the sweeper closes it after the deadline by inserting the
 * booking as EXPIRED (the insert of the same id decides who was first) and releases the seats.
 * Holding first means nothing is ever asked of users for seats that were not secured.
 */
export async function bookSeats(saga: BookingSaga, input: BookSeats, timeoutMs: number, cause: Cause): Promise<BookingDoc> {
  const now = saga.now();
  const screening = await saga.screenings.findById(input.screeningId);
  if (!screening) throw badUserInput(`no screening with id ${input.screeningId.toHexString()}`, 'input.screeningId');
  refuseUnbookable(screening, now);
  const capacity = capacityOf(screening);
  const missing = input.seats.filter((s) => s > capacity);
  if (missing.length > 0) throw badUserInput(`no seat ${missing.join(', ')} at this screening: its seats are 1..${capacity}`, 'input.seats');

  const _id = new ObjectId();
  const amount = input.seats.length * priceOf(screening);
  const held = await saga.holds.hold(screening._id, _id, { userId: input.userId, seats: input.seats, amount, at: now }, now);
  if (!held) throw await whyNotHeld(saga, screening._id, input.seats);

  const deadline = new Date(now.getTime() + timeoutMs);
  const booking = { _id, userId: input.userId, screeningId: screening._id, seats: input.seats, amount, status: 'PENDING' as const, reason: null, createdAt: now, updatedAt: now, deadline, correlationId: cause.correlationId };
  const doc = await saga.bookings.insert(booking, cause);
  // Only after a stall longer than the deadline: the sweeper took the hold for abandoned and closed it.
  if (!doc) throw new Error(`booking ${_id.toHexString()} was not recorded before its deadline; it was closed and its seats released`);
  return doc;
}

function refuseUnbookable(screening: ScreeningDoc, now: Date) {
  if (screening.cancelledAt) throw badUserInput('the screening was cancelled', 'input.screeningId');
  if (screening.startsAt <= now) throw badUserInput('the screening has already started', 'input.screeningId');
}

/** The hold's filter said no: read the screening again to say why. */
async function whyNotHeld(saga: BookingSaga, screeningId: ObjectId, seats: number[]) {
  const now = saga.now();
  const screening = await saga.screenings.findById(screeningId);
  if (!screening) return badUserInput(`no screening with id ${screeningId.toHexString()}`, 'input.screeningId');
  refuseUnbookable(screening, now);
  const taken = new Set(screening.seatsTaken ?? []);
  const clash = seats.filter((s) => taken.has(s));
  // A seat can be freed again between the hold and this read (a rejection's release): say so.
  if (clash.length === 0) return badUserInput('some of these seats were taken a moment ago; try again', 'input.seats');
  return badUserInput(`${clash.length === 1 ? 'seat' : 'seats'} ${clash.join(', ')} ${clash.length === 1 ? 'is' : 'are'} already taken`, 'input.seats');
}
