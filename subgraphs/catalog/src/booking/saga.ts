import type { Db } from 'mongodb';
import type { OnEvents } from '@cinema/messaging';
import { ScreeningRepository } from '../screening/repository';
import { SeatHolds } from '../screening/seat-holds';
import { BookingRepository } from './repository';

/** What every step of the booking saga works with: both documents' repositories and the clock. */
export interface BookingSaga {
  bookings: BookingRepository;
  holds: SeatHolds;
  screenings: ScreeningRepository;
  now: () => Date;
}

/** Default of BOOKING_TIMEOUT_MS: how long a booking may wait for users' answer before it expires. */
export const DEFAULT_BOOKING_TIMEOUT_MS = 30_000;

export function bookingSaga(db: Db, options: { now?: () => Date; onEvents?: OnEvents }): BookingSaga {
  const now = options.now ?? (() => new Date());
  return {
    bookings: new BookingRepository(db, { now, onEvents: options.onEvents }),
    holds: new SeatHolds(db),
    screenings: new ScreeningRepository(db, { now, onEvents: options.onEvents }),
    now,
  };
}
