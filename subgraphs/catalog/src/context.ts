import type { RequestContext } from '@cinema/serving';
import { loaderById, pagedLoaderByParent } from '@cinema/subgraph-runtime';
import type { BookingRepository } from './booking/repository';
import type { BookingSaga } from './booking/saga';
import type { CinemaRepository } from './cinema/repository';
import type { CityRepository } from './city/repository';
import type { MovieReplica } from './projections/movies';
import type { ScreeningRepository } from './screening/repository';

export interface CatalogRepositories {
  cities: CityRepository;
  cinemas: CinemaRepository;
  screenings: ScreeningRepository;
  /** Catalog's replica of movies (read only here): titles, and whether a movie may be scheduled. */
  movies: MovieReplica;
  bookings: BookingRepository;
}

export interface CatalogContext extends RequestContext, CatalogRepositories {
  loaders: ReturnType<typeof createLoaders>;
  /** The booking saga's repositories and clock (booking/saga.ts). */
  saga: BookingSaga;
  /** How long a new booking may stay PENDING (BOOKING_TIMEOUT_MS). */
  bookingTimeoutMs: number;
}

/**
 * Fresh per request: DataLoader caches must never outlive one operation. Each loader turns all loads
 * of a tick into ONE `$in` query. `now` is read once per request, so every "upcoming" list in one
 * response is cut at the same instant (a premiere cannot be in Cinema.premieres yet missing from
 * Movie.screenings because a millisecond passed between the two queries).
 */
export function createLoaders({ cities, cinemas, screenings, movies, bookings }: CatalogRepositories, now: Date) {
  return {
    cityById: loaderById((ids) => cities.findByIds(ids)),
    cinemaById: loaderById((ids) => cinemas.findByIds(ids)),
    screeningById: loaderById((ids) => screenings.findByIds(ids)),
    movieById: loaderById((ids) => movies.findByIds(ids)),
    bookingById: loaderById((ids) => bookings.findByIds(ids)),
    bookingsByUser: pagedLoaderByParent((ids, page) => bookings.pageByUsers(ids, page)),
    // One page of children per parent; parents asking for the same page share one query.
    cinemasByCity: pagedLoaderByParent((ids, page) => cinemas.pageOfEachCity(ids, page)),
    upcomingScreeningsByCinema: pagedLoaderByParent((ids, page) => screenings.upcomingByCinemas(ids, now, page)),
    upcomingPremieresByCinema: pagedLoaderByParent((ids, page) => screenings.upcomingByCinemas(ids, now, page, { premieresOnly: true })),
    upcomingScreeningsByMovie: pagedLoaderByParent((ids, page) => screenings.upcomingByMovies(ids, now, page)),
  };
}
