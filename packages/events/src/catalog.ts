import { z } from 'zod';
import { entityId } from './envelope';

/** Published on the `catalog` exchange by the catalog subgraph. */
const id = entityId;
export const screeningScheduled = z.object({
  id,
  cinemaId: id,
  movieId: id,
  startsAt: z.iso.datetime({ offset: true }),
  isPremiere: z.boolean(),
});
export const screeningCancelled = z.object({
  id,
  cinemaId: id,
  movieId: id,
  startsAt: z.iso.datetime({ offset: true }),
  reason: z.enum(['cancelled', 'movie-deleted']),
});

export const catalogEvents = {
  'screening.scheduled': { exchange: 'catalog', aggregateType: 'screening', schemaVersion: 1, data: screeningScheduled },
  'screening.cancelled': { exchange: 'catalog', aggregateType: 'screening', schemaVersion: 1, data: screeningCancelled },
} as const;
