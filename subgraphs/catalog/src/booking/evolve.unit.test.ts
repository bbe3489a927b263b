import { BOOKING_STATUSES } from '@cinema/events';
import type { BookingStatus } from './booking';
import { EVENT_OF, evolveBooking, type Transition } from './evolve';

const deadline = new Date('2030-01-01T00:00:30Z');
const at = (status: BookingStatus) => ({ status, reason: null, deadline });
const confirm: Transition = { type: 'confirm' };
const reject: Transition = { type: 'reject', reason: 'insufficient credits' };
const expire: Transition = { type: 'expire', now: deadline };
const cancel: Transition = { type: 'cancel', reason: 'cancelled by its owner' };

describe('the booking state machine', () => {
  it('confirms a pending booking; its seats stay held', () => {
    expect(evolveBooking(at('PENDING'), confirm)).toEqual({ status: 'CONFIRMED', reason: null, releasesSeats: false });
  });

  it('rejects a pending booking with the reason, releasing its seats', () => {
    expect(evolveBooking(at('PENDING'), reject)).toEqual({ status: 'REJECTED', reason: 'insufficient credits', releasesSeats: true });
  });

  it('expires a pending booking at its deadline, not a moment before', () => {
    expect(evolveBooking(at('PENDING'), { type: 'expire', now: new Date(deadline.getTime() - 1) })).toBeNull();
    expect(evolveBooking(at('PENDING'), expire)).toMatchObject({ status: 'EXPIRED', releasesSeats: true });
  });

  it('cancels a pending or confirmed booking, releasing its seats', () => {
    for (const s of ['PENDING', 'CONFIRMED'] as const) {
      expect(evolveBooking(at(s), cancel)).toEqual({ status: 'CANCELLED', reason: 'cancelled by its owner', releasesSeats: true });
    }
  });

  it('never moves a booking out of a closed state, nor a confirmed one back (duplicates and late answers are no-ops)', () => {
    const closed: BookingStatus[] = ['REJECTED', 'EXPIRED', 'CANCELLED'];
    for (const s of closed) for (const t of [confirm, reject, expire, cancel]) expect(evolveBooking(at(s), t)).toBeNull();
    for (const t of [confirm, reject, expire]) expect(evolveBooking(at('CONFIRMED'), t)).toBeNull();
  });

  it('announces every status with its own event of the contract', () => {
    expect(Object.keys(EVENT_OF).sort()).toEqual([...BOOKING_STATUSES].sort());
    expect(new Set(Object.values(EVENT_OF)).size).toBe(BOOKING_STATUSES.length);
  });
});
