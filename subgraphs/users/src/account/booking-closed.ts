import type { DomainEvent } from '@cinema/events';
import type { Logger } from '@cinema/config';
import { onClosed } from './account';
import { bookingOf } from './booking-event';
import type { AccountRepository, SettleOutcome } from './repository';

/**
 * `users:booking:refund`: a booking expired or was cancelled. A debit of it is paid back once
 * (credits.refunded); a booking this account never saw is recorded as rejected, so that its request,
 * should it arrive later (queues do not keep order between them), is never debited.
 */
export function bookingClosedHandler(accounts: AccountRepository) {
  return async (event: DomainEvent, log: Logger): Promise<SettleOutcome> => {
    const { booking, cause } = bookingOf(event, ['booking.expired', 'booking.cancelled']);
    const outcome = await accounts.settle(booking.userId, booking, onClosed, cause);
    log.debug({ bookingId: booking.id, outcome }, 'closed booking settled');
    return outcome;
  };
}
