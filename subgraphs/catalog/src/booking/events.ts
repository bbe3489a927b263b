import { newEvent, type Cause, type DomainEvent } from '@cinema/events';
import type { BookingDoc } from './booking';
import { EVENT_OF } from './evolve';

type State = Pick<BookingDoc, '_id' | 'userId' | 'screeningId' | 'seats' | 'amount' | 'status' | 'reason' | 'createdAt'>;

/** The booking's event at `version`: its type follows from the status, its data is the whole state. */
export function bookingEvent(doc: State, version: number, cause: Cause, at?: Date): DomainEvent {
  const id = doc._id.toHexString();
  const data = {
    id,
    userId: doc.userId.toHexString(),
    screeningId: doc.screeningId.toHexString(),
    seats: doc.seats,
    amount: doc.amount,
    status: doc.status,
    reason: doc.reason,
    createdAt: doc.createdAt.toISOString(),
  };
  return newEvent(EVENT_OF[doc.status] as 'booking.requested', { id, version }, data, cause, at);
}
