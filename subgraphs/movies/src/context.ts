import { loaderById, loaderOfMap, pagedLoaderByParent, type RequestContext } from '@cinema/service-kit';
import type { MovieRepository } from './movie/repository';
import type { ReviewRepository } from './review/repository';

export interface MoviesContext extends RequestContext {
  movies: MovieRepository;
  reviews: ReviewRepository;
  loaders: ReturnType<typeof createLoaders>;
}

/** Fresh per request: DataLoader caches must never outlive one operation. */
export function createLoaders(movies: MovieRepository, reviews: ReviewRepository) {
  return {
    // Tombstones included: a reference to a deleted movie still resolves.
    movieById: loaderById((ids) => movies.findByIds(ids)),
    reviewsByMovie: pagedLoaderByParent((ids, page) => reviews.findByMovies(ids, page)),
    reviewsByAuthor: pagedLoaderByParent((ids, page) => reviews.findByAuthors(ids, page)),
    averageRatingByMovie: loaderOfMap((ids) => reviews.averageRatings(ids)),
  };
}
