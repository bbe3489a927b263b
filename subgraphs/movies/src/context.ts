import type { RequestContext } from '@cinema/serving';
import { loaderById, loaderOfMap, pagedLoaderByParent } from '@cinema/subgraph-runtime';
import type { MovieRepository } from './movie/repository';
import type { UserProfiles } from './projections/user-profiles';
import type { ReviewRepository } from './review/repository';

export interface MoviesContext extends RequestContext {
  movies: MovieRepository;
  reviews: ReviewRepository;
  profiles: UserProfiles;
  loaders: ReturnType<typeof createLoaders>;
}

/** Fresh per request: DataLoader caches must never outlive one operation. */
export function createLoaders(movies: MovieRepository, reviews: ReviewRepository, profiles: UserProfiles) {
  return {
    // Tombstones included: a reference to a deleted movie still resolves.
    movieById: loaderById((ids) => movies.findByIds(ids)),
    reviewsByMovie: pagedLoaderByParent((ids, page) => reviews.findByMovies(ids, page)),
    reviewsByAuthor: pagedLoaderByParent((ids, page) => reviews.findByAuthors(ids, page)),
    averageRatingByMovie: loaderOfMap((ids) => reviews.averageRatings(ids)),
    // The replica of user profiles: every author name of one request in one `find`.
    userProfileById: loaderById((ids) => profiles.findByIds(ids)),
  };
}
