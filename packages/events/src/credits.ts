import { z } from 'zod';
import { entityId } from './envelope';

/**
 * Published on the `users` exchange by the users subgraph: every change of a user's credit account.
 * The account is an aggregate of its own (`credits`, id = the user's id) kept in the user's
 * document beside the profile, with its own version (docs/decisions.md), so the profile's replicas
 * never see a version they have no event for. Each event carries the balance after the change.
 */
const id = entityId;
const balance = z.number().int().nonnegative();
export const creditsGranted = z.object({ userId: id, amount: z.number().int().positive(), reason: z.string().min(1), balance });
export const creditsDebited = z.object({ userId: id, bookingId: id, amount: z.number().int().nonnegative(), balance });
/** `balance` is null when users has no account for the user (an unknown id). */
export const creditsRejected = z.object({ userId: id, bookingId: id, amount: z.number().int().nonnegative(), reason: z.string().min(1), balance: balance.nullable() });
export const creditsRefunded = z.object({ userId: id, bookingId: id, amount: z.number().int().nonnegative(), balance });

const credits = { exchange: 'users', aggregateType: 'credits', schemaVersion: 1 } as const;
export const creditEvents = {
  'credits.granted': { ...credits, data: creditsGranted },
  /** A booking's amount taken (answer to booking.requested). */
  'credits.debited': { ...credits, data: creditsDebited },
  /** A booking not debited: too few credits, unknown or deleted user, or closed before its request arrived. */
  'credits.rejected': { ...credits, data: creditsRejected },
  /** A debited booking that expired or was cancelled, paid back. */
  'credits.refunded': { ...credits, data: creditsRefunded },
} as const;
