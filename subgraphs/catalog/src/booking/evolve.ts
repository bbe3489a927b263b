import type { EventType } from '@cinema/events';
import type { BookingStatus } from './booking';

/**
 * The booking state machine (docs/bookings.md), pure: what a transition makes of a booking, or null
 * when it does not apply (a duplicate, a late answer, a booking closed already). Every write of a
 * booking goes through it, so a redelivered or reordered event can never move a booking backwards.
 *
 *   PENDING ──credits.debited──▶ CONFIRMED ──cancel──▶ CANCELLED
 *      │ credits.rejected ▶ REJECTED · deadline ▶ EXPIRED · cancel ▶ CANCELLED
 */
export type Transition =
  | { type: 'confirm' }
  | { type: 'reject'; reason: string }
  | { type: 'expire'; now: Date }
  | { type: 'cancel'; reason: string };

export interface BookingState {
  status: BookingStatus;
  reason: string | null;
  deadline: Date;
}

export interface Evolved {
  status: BookingStatus;
  reason: string | null;
  /** The booking closes: its seats go back (the saga's compensation). */
  releasesSeats: boolean;
}

export function evolveBooking(state: BookingState, t: Transition): Evolved | null {
  switch (t.type) {
    case 'confirm':
      return state.status === 'PENDING' ? { status: 'CONFIRMED', reason: null, releasesSeats: false } : null;
    case 'reject':
      return state.status === 'PENDING' ? { status: 'REJECTED', reason: t.reason, releasesSeats: true } : null;
    case 'expire':
      return state.status === 'PENDING' && t.now >= state.deadline
        ? { status: 'EXPIRED', reason: 'no answer about the payment before the deadline', releasesSeats: true }
        : null;
    case 'cancel':
      return state.status === 'PENDING' || state.status === 'CONFIRMED' ? { status: 'CANCELLED', reason: t.reason, releasesSeats: true } : null;
  }
}

/** The event that announces a booking in each status (each carries the booking's whole state). */
export const EVENT_OF: Record<BookingStatus, EventType> = {
  PENDING: 'booking.requested',
  CONFIRMED: 'booking.confirmed',
  REJECTED: 'booking.rejected',
  EXPIRED: 'booking.expired',
  CANCELLED: 'booking.cancelled',
};
