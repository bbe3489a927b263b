import type { EventType } from '@cinema/events';

/**
 * What the response cache may keep, and what evicts it: the API's types each event may change, in
 * any subgraph (the replicas included). A cached response is tagged with every type its operation
 * selects, and an event evicts every response tagged with one of its types: coarse (one new user
 * evicts every cached user) but never stale past the event.
 */
export const CHANGED_BY: Record<EventType, readonly string[]> = {
  'user.created': ['User'],
  // Review.authorName is movies' replica of the author's name.
  'user.profile.updated': ['User', 'Review'],
  'user.deleted': ['User', 'Review'],
  'movie.created': ['Movie'],
  // Screening.movieTitle is catalog's replica of the title.
  'movie.updated': ['Movie', 'Screening'],
  // Catalog cancels the movie's screenings; its reviews' movie is now a tombstone.
  'movie.deleted': ['Movie', 'Screening', 'Review'],
  // Movie.reviews and averageRating, User.reviews.
  'review.created': ['Review', 'Movie', 'User'],
  // Movie.screenings, Cinema.screenings and premieres.
  'screening.scheduled': ['Screening', 'Movie', 'Cinema'],
  'screening.cancelled': ['Screening', 'Movie', 'Cinema'],
  // User.credits.
  'credits.granted': ['User'],
  'credits.debited': ['User'],
  'credits.rejected': ['User'],
  'credits.refunded': ['User'],
  // The booking itself, User.bookings, and the screening's seats (seatsLeft, takenSeats).
  'booking.requested': ['Booking', 'User', 'Screening'],
  'booking.confirmed': ['Booking', 'User', 'Screening'],
  'booking.rejected': ['Booking', 'User', 'Screening'],
  'booking.expired': ['Booking', 'User', 'Screening'],
  'booking.cancelled': ['Booking', 'User', 'Screening'],
};

/**
 * The events each mutation publishes. A gateway process evicts their types as soon as one of its
 * mutations is answered, before the events arrive: a caller reads their own write through the same
 * process (other processes wait for the events).
 */
export const MUTATION_EVENTS: Record<string, readonly EventType[]> = {
  createUser: ['user.created'],
  updateUserProfile: ['user.profile.updated'],
  deleteUser: ['user.deleted'],
  createMovie: ['movie.created'],
  updateMovie: ['movie.updated'],
  deleteMovie: ['movie.deleted'],
  addReview: ['review.created'],
  createCity: [],
  createCinema: [],
  scheduleScreening: ['screening.scheduled'],
  cancelScreening: ['screening.cancelled', 'booking.cancelled'],
  grantCredits: ['credits.granted'],
  bookSeats: ['booking.requested'],
  cancelBooking: ['booking.cancelled'],
};

/**
 * Cities and cinemas are created without an event and never updated or deleted (no such mutation
 * exists): their own fields are fixed at creation, so a response may hold them.
 */
export const FIXED_AT_CREATION: readonly string[] = ['City', 'Cinema'];

/**
 * Fields an operation must not select to be cached:
 * - lists that grow when a city or cinema is created, which no event announces;
 * - lists of upcoming screenings: a screening leaves them when it starts, with no event;
 * - fields answered from a replica. The owner writes before it publishes, so once the event is
 *   here the owner answers the new state; a replica applies the event when its consumer gets to it,
 *   possibly after this gateway evicted, and a response re-cached in between would keep the old
 *   value until the TTL;
 * - a screening's seats: a closing booking's event is written before its seats are released (a
 *   second write, docs/bookings.md), so the event can evict before the release, and a response
 *   cached in between would show the seats taken until the TTL.
 */
export const NEVER_CACHED_FIELDS: ReadonlySet<string> = new Set([
  'Query.cities',
  'Query.catalog',
  'City.cinemas',
  'Movie.screenings',
  'Cinema.screenings',
  'Cinema.premieres',
  'Review.authorName',
  'Screening.movieTitle',
  'Screening.seatsLeft',
  'Screening.takenSeats',
]);

/** Every type a cached response may contain; an operation selecting any other type is not cached. */
export const CACHEABLE_TYPES: ReadonlySet<string> = new Set([...Object.values(CHANGED_BY).flat(), ...FIXED_AT_CREATION]);
