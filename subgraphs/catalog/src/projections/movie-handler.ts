import { ObjectId } from 'mongodb';
import type { Cause, DomainEvent } from '@cinema/events';
import type { Logger } from '@cinema/config';
import { PermanentError, type ApplyOutcome, type Delivery } from '@cinema/messaging';
import type { ScreeningRepository } from '../screening/repository';
import type { ScreeningDoc } from '../screening/screening';
import type { MovieEvent, MovieReplica } from './movies';

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;
const isMovieEvent = (e: DomainEvent): e is MovieEvent =>
  e.type === 'movie.created' || e.type === 'movie.updated' || e.type === 'movie.deleted';

/**
 * What catalog does with an event of the `catalog:movie:replicate` queue: update its replica of
 * movies and, for a deletion, cancel the movie's upcoming screenings (publishing screening.cancelled
 * for each, caused by the deletion) and their bookings (`cancelBookings`: each refunded by users).
 */
export function movieEventHandler(deps: {
  movies: MovieReplica;
  screenings: ScreeningRepository;
  cancelBookings?: (screening: ScreeningDoc, cause: Cause) => Promise<unknown>;
}) {
  return async (event: DomainEvent, log: Logger, delivery?: Delivery): Promise<ApplyOutcome> => {
    // The consumer only delivers the types CONSUMERS lists; anything else is a topology bug.
    if (!isMovieEvent(event)) throw new PermanentError(`catalog does not handle ${event.type}`);
    // The envelope only promises a non-empty string; retrying a malformed id can never succeed.
    if (!OBJECT_ID.test(event.aggregateId)) throw new PermanentError(`aggregateId "${event.aggregateId}" is not a movie id`);
    // The replica is written under aggregateId with the state in data: if they name different movies,
    // one movie's title would land on another. Users' replica in movies refuses the same way.
    if (event.data.id.toLowerCase() !== event.aggregateId.toLowerCase()) {
      throw new PermanentError(`data.id ${event.data.id} is not the aggregateId ${event.aggregateId}`);
    }

    // A refused event (forged identity, a version too far ahead) never gets here: nothing is cancelled.
    const outcome = await deps.movies.apply(event, delivery?.origin);
    if (event.type !== 'movie.deleted') return outcome;

    // Runs even when the deletion was already applied ('stale'): a redelivery after a crash between
    // the projection write and the cancellations must finish the job. It is idempotent: only
    // screenings still on are cancelled, so none is cancelled twice or gets a second event.
    // A crash after a screening's cancellation, before its bookings', is finished by the booking
    // sweeper: the cancellation flagged the screening's holds in the same write.
    const cause = { correlationId: event.correlationId, causationId: event.eventId };
    const cancelled = await deps.screenings.cancelUpcomingOfMovie(new ObjectId(event.aggregateId), 'movie-deleted', cause, (s) =>
      deps.cancelBookings ? deps.cancelBookings(s, cause) : Promise.resolve(),
    );
    log.info({ outcome, cancelled }, 'movie deleted: cancelled its upcoming screenings');
    return outcome;
  };
}
