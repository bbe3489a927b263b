import type { Cause, DomainEvent } from '@cinema/events';
import { PermanentError } from '@cinema/messaging';

export type BookingEvent = DomainEvent<'booking.requested' | 'booking.expired' | 'booking.cancelled'>;

/**
 * The checks both of users' booking handlers make before touching an account: the type their
 * queue's bindings promise, and a state that names the booking it is the event of (a mismatch would
 * debit or refund the wrong booking). Failures are permanent: retrying cannot fix them.
 */
export function bookingOf<T extends BookingEvent['type']>(event: DomainEvent, types: readonly T[]) {
  if (!(types as readonly string[]).includes(event.type)) throw new PermanentError(`this queue does not handle ${event.type}`);
  const booking = (event as BookingEvent).data;
  if (booking.id !== event.aggregateId) throw new PermanentError(`data.id ${booking.id} is not the aggregateId ${event.aggregateId}`);
  // What users writes is caused by this event, in the same request's trace.
  const cause: Cause = { correlationId: event.correlationId, causationId: event.eventId };
  return { booking, cause };
}
