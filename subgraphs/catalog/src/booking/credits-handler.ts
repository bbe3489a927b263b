import { ObjectId } from 'mongodb';
import type { DomainEvent } from '@cinema/events';
import { type Logger } from '@cinema/config';
import { PermanentError } from '@cinema/messaging';
import type { Transition } from './evolve';
import type { BookingSaga } from './saga';
import { settleBooking } from './settle';

type CreditsAnswer = DomainEvent<'credits.debited' | 'credits.rejected'>;
const isAnswer = (e: DomainEvent): e is CreditsAnswer => e.type === 'credits.debited' || e.type === 'credits.rejected';

/**
 * `catalog:credits:settle`: users' answer to a booking.requested. Debited → CONFIRMED; rejected →
 * REJECTED and the seats released (the compensation). An answer for a booking that is no longer
 * PENDING (expired meanwhile, cancelled, or a redelivery) changes nothing: 'stale'. A debit that
 * comes after the booking expired is refunded by users itself, on booking.expired.
 */
export function creditsAnswerHandler(saga: BookingSaga) {
  return async (event: DomainEvent, log: Logger): Promise<'applied' | 'stale'> => {
    if (!isAnswer(event)) throw new PermanentError(`catalog does not handle ${event.type} here`);
    const { bookingId } = event.data;
    const t: Transition = event.type === 'credits.debited' ? { type: 'confirm' } : { type: 'reject', reason: event.data.reason };
    const cause = { correlationId: event.correlationId, causationId: event.eventId };
    const { doc, applied } = await settleBooking(saga, new ObjectId(bookingId), t, cause);
    // users only answers requests catalog published from a booking's own document.
    if (!doc) throw new PermanentError(`no booking ${bookingId}`);
    log.debug({ bookingId, status: doc.status, applied }, 'payment answer applied');
    return applied ? 'applied' : 'stale';
  };
}
