import { newEvent, type Cause, type DomainEvent } from '@cinema/events';
import type { CancelReason, ScreeningDoc } from './screening';

type Facts = Pick<ScreeningDoc, '_id' | 'cinemaId' | 'movieId' | 'startsAt'>;

const facts = (doc: Facts) => ({
  id: doc._id.toHexString(),
  cinemaId: doc.cinemaId.toHexString(),
  movieId: doc.movieId.toHexString(),
  startsAt: doc.startsAt.toISOString(),
});

/** The state a scheduled screening's event carries, at `version`. */
export function screeningScheduledEvent(
  doc: Facts & Pick<ScreeningDoc, 'isPremiere'>,
  version: number,
  cause: Cause,
  at?: Date,
): DomainEvent {
  return newEvent('screening.scheduled', { id: doc._id.toHexString(), version }, { ...facts(doc), isPremiere: doc.isPremiere }, cause, at);
}

/** A cancellation says why, so consumers can tell a box-office decision from a withdrawn movie. */
export function screeningCancelledEvent(doc: Facts, version: number, reason: CancelReason, cause: Cause, at?: Date): DomainEvent {
  return newEvent('screening.cancelled', { id: doc._id.toHexString(), version }, { ...facts(doc), reason }, cause, at);
}

/** A screening's current state as an event, for a resync: cancelled ones as cancellations. */
export function snapshotEvent(doc: ScreeningDoc, cause: Cause): DomainEvent {
  return doc.cancelledAt
    ? // Screenings cancelled before reasons were stored have none: cancelScreening was the only way then.
      screeningCancelledEvent(doc, doc.version, doc.cancelReason ?? 'cancelled', cause)
    : screeningScheduledEvent(doc, doc.version, cause);
}
