import type { DomainEvent } from '@cinema/events';
import type { Logger } from '@cinema/config';
import { onRequested } from './account';
import { bookingOf } from './booking-event';
import type { AccountRepository, SettleOutcome } from './repository';

/**
 * `users:booking:debit`: the saga's second step. Debits the booking's amount when the balance
 * suffices (credits.debited), refuses it otherwise (credits.rejected with the reason). However often
 * the request is delivered, the ledger entry it leaves makes every later copy 'stale'.
 */
export function bookingRequestedHandler(accounts: AccountRepository) {
  return async (event: DomainEvent, log: Logger): Promise<SettleOutcome> => {
    const { booking, cause } = bookingOf(event, ['booking.requested']);
    const outcome = await accounts.settle(booking.userId, booking, onRequested, cause);
    log.debug({ bookingId: booking.id, outcome }, 'booking request answered');
    return outcome;
  };
}
