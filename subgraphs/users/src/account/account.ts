import { z } from 'zod';
import { id, text } from '@cinema/subgraph-runtime';

/**
 * A user's credit account: an aggregate of its own (`credits`, id = the user's id) kept in the
 * user's document, with its own version (`creditsVersion`), so that profile replicas, which only see
 * user.* events, never miss a version. The ledger records what was decided for each booking, keyed
 * by booking id: the idempotency key of every saga step (a redelivered or late request finds its
 * booking there and changes nothing).
 */
export type LedgerState = 'debited' | 'rejected' | 'refunded';
export interface LedgerEntry {
  amount: number;
  state: LedgerState;
  /** Why a booking was rejected. */
  reason?: string;
  at: Date;
}

/** The account's fields in the user document; absent on users who never had a credit change. */
export interface AccountFields {
  credits?: number;
  creditsVersion?: number;
  /** Everything ever granted: the consistency check's credits = granted − debited + refunded. */
  creditsGranted?: number;
  ledger?: Record<string, LedgerEntry>;
}

export interface Account {
  credits: number;
  granted: number;
  ledger: Record<string, LedgerEntry>;
  /** A deleted user's account still refunds, but takes no new debit. */
  deleted: boolean;
}

export const accountOf = (doc: AccountFields & { deletedAt: Date | null }): Account => ({
  credits: doc.credits ?? 0,
  granted: doc.creditsGranted ?? 0,
  ledger: doc.ledger ?? {},
  deleted: doc.deletedAt !== null,
});

/** What a booking event asks of an account: the booking's id and amount, and what happened to it. */
export interface BookingFacts {
  id: string;
  amount: number;
  status: string;
}

export type Decision =
  | { kind: 'debit'; amount: number }
  | { kind: 'reject'; amount: number; reason: string }
  | { kind: 'refund'; amount: number }
  | { kind: 'none'; why: string };

/** booking.requested: debit once if the balance suffices; a booking already in the ledger changes nothing. */
export function onRequested(account: Account, booking: BookingFacts): Decision {
  const seen = account.ledger[booking.id];
  if (seen) return { kind: 'none', why: `already ${seen.state}` };
  if (account.deleted) return { kind: 'reject', amount: booking.amount, reason: 'the user has been deleted' };
  if (account.credits < booking.amount) {
    return { kind: 'reject', amount: booking.amount, reason: `insufficient credits: ${account.credits} available, ${booking.amount} needed` };
  }
  return { kind: 'debit', amount: booking.amount };
}

/**
 * booking.expired / booking.cancelled: refund a debit once. A booking closed before its request
 * arrived here is recorded as rejected, so the late request is never debited.
 */
export function onClosed(account: Account, booking: BookingFacts): Decision {
  const seen = account.ledger[booking.id];
  if (!seen) return { kind: 'reject', amount: booking.amount, reason: `the booking was ${booking.status.toLowerCase()} before it was debited` };
  if (seen.state === 'debited') return { kind: 'refund', amount: seen.amount };
  return { kind: 'none', why: `already ${seen.state}` };
}

/** Pure: the account after a decision (the fields a write sets), or null for 'none'. */
export function evolveAccount(account: Account, bookingId: string, decision: Decision, at: Date) {
  switch (decision.kind) {
    case 'debit':
      return { credits: account.credits - decision.amount, entry: { amount: decision.amount, state: 'debited' as const, at } };
    case 'reject':
      return { credits: account.credits, entry: { amount: decision.amount, state: 'rejected' as const, reason: decision.reason, at } };
    case 'refund':
      return { credits: account.credits + decision.amount, entry: { ...account.ledger[bookingId]!, state: 'refunded' as const, at } };
    case 'none':
      return null;
  }
}

/** At most a million credits per grant: a typo of a few zeros is refused, not granted. */
export const MAX_GRANT = 1_000_000;
/** A balance stays a GraphQL Int (2^31 − 1) with room to spare: a grant beyond it is refused. */
export const MAX_BALANCE = 1_000_000_000;
export const grantCreditsArgs = z.object({
  userId: id(),
  amount: z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(MAX_GRANT, { error: `must be at most ${MAX_GRANT}` }),
  reason: text(200),
});
