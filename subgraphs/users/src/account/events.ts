import { newEvent, type Cause, type DomainEvent } from '@cinema/events';
import type { Decision } from './account';

/** The event of a credit change, at the account's `version`, carrying the balance after it. */
export function decisionEvent(userId: string, bookingId: string, decision: Exclude<Decision, { kind: 'none' }>, balance: number | null, version: number, cause: Cause): DomainEvent {
  const aggregate = { id: userId, version };
  const { amount } = decision;
  switch (decision.kind) {
    case 'debit':
      return newEvent('credits.debited', aggregate, { userId, bookingId, amount, balance: balance! }, cause);
    case 'refund':
      return newEvent('credits.refunded', aggregate, { userId, bookingId, amount, balance: balance! }, cause);
    case 'reject':
      return newEvent('credits.rejected', aggregate, { userId, bookingId, amount, reason: decision.reason, balance }, cause);
  }
}

export function grantedEvent(userId: string, amount: number, reason: string, balance: number, version: number, cause: Cause): DomainEvent {
  return newEvent('credits.granted', { id: userId, version }, { userId, amount, reason, balance }, cause);
}
