import { z } from 'zod';
import { entityId } from './envelope';

/** Published on the `movies` exchange by the movies subgraph. */
const id = entityId;
export const movieState = z.object({
  id,
  title: z.string().min(1),
  durationMinutes: z.number().int().positive(),
  genres: z.array(z.string()),
  releaseDate: z.string().nullable(),
  synopsis: z.string().nullable(),
});
export const movieDeleted = z.object({ id });
export const reviewCreated = z.object({
  id,
  movieId: id,
  authorId: id,
  rating: z.number().int().min(1).max(5),
  body: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
});

export const movieEvents = {
  'movie.created': { exchange: 'movies', aggregateType: 'movie', schemaVersion: 1, data: movieState },
  'movie.updated': { exchange: 'movies', aggregateType: 'movie', schemaVersion: 1, data: movieState },
  'movie.deleted': { exchange: 'movies', aggregateType: 'movie', schemaVersion: 1, data: movieDeleted },
  'review.created': { exchange: 'movies', aggregateType: 'review', schemaVersion: 1, data: reviewCreated },
} as const;
