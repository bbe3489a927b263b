import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import { newEvent, type Cause, type DomainEvent, type EventData } from '@cinema/events';
import { isoDate, text } from '@cinema/subgraph-runtime';

/**
 * The movies collection's document. `version` is the aggregate version its events carry; `outbox`
 * holds the events of recent changes until the broker confirmed them.
 */
export interface MovieDoc {
  _id: ObjectId;
  outbox?: DomainEvent[];
  title: string;
  synopsis: string | null;
  durationMinutes: number;
  genres: string[];
  /** Calendar date `YYYY-MM-DD`: a release has no time of day or zone. */
  releaseDate: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  deletedAt: Date | null;
}

const title = text(200);
const durationMinutes = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be between 1 and 1000' })
  .max(1000, { error: 'must be between 1 and 1000' });
// Duplicates carry no meaning and would only skew genre filters later; the first spelling wins.
const genres = z
  .array(text(50))
  .max(20, { error: 'must have at most 20 items' })
  .transform((list) => [...new Set(list)]);
const synopsis = text(5000);
const releaseDate = isoDate();

/**
 * In an update, absent means "keep" and null means "clear"; a field the movie cannot be without
 * must therefore reject null by name instead of failing with a type message.
 */
const notNull = <S extends z.ZodType<unknown, any>>(schema: S) =>
  z
    .unknown()
    .refine((v) => v !== null, { error: 'must not be null', abort: true })
    .pipe(schema);

export const createMovieInput = z.object({
  title,
  durationMinutes,
  genres: genres.nullish().transform((g) => g ?? []),
  synopsis: synopsis.nullish().transform((s) => s ?? null),
  releaseDate: releaseDate.nullish().transform((d) => d ?? null),
});

export const updateMovieInput = z
  .object({
    title: notNull(title).optional(),
    durationMinutes: notNull(durationMinutes).optional(),
    genres: notNull(genres).optional(),
    synopsis: synopsis.nullable().optional(),
    releaseDate: releaseDate.nullable().optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    error: 'must change at least one field',
  });

export type CreateMovieInput = z.infer<typeof createMovieInput>;
export type UpdateMovieInput = z.infer<typeof updateMovieInput>;

export function toGraphQL(doc: MovieDoc) {
  return {
    id: doc._id.toHexString(),
    title: doc.title,
    synopsis: doc.synopsis,
    durationMinutes: doc.durationMinutes,
    genres: doc.genres,
    releaseDate: doc.releaseDate,
    deletedAt: doc.deletedAt ? doc.deletedAt.toISOString() : null,
  };
}
export type MovieGraphQL = ReturnType<typeof toGraphQL>;

type MovieState = Pick<MovieDoc, '_id' | 'title' | 'durationMinutes' | 'genres' | 'releaseDate' | 'synopsis'>;

/** What replicas of a movie (catalog) need: the catalogue fields, none of the bookkeeping. */
function movieState(doc: MovieState): EventData<'movie.created'> {
  return {
    id: doc._id.toHexString(),
    title: doc.title,
    durationMinutes: doc.durationMinutes,
    genres: doc.genres,
    releaseDate: doc.releaseDate,
    synopsis: doc.synopsis,
  };
}

/** A movie's state at `version`, as the event of the change that produced it. */
export function movieEvent(type: 'movie.created' | 'movie.updated', doc: MovieState, version: number, cause: Cause): DomainEvent {
  return newEvent(type, { id: doc._id.toHexString(), version }, movieState(doc), cause);
}

export function movieDeletedEvent(id: ObjectId, version: number, cause: Cause): DomainEvent {
  return newEvent('movie.deleted', { id: id.toHexString(), version }, { id: id.toHexString() }, cause);
}

/**
 * A movie's current state as an event, for a resync: tombstones as deletions, the rest as updates
 * (a replica that never saw the creation treats an update as the whole state anyway).
 */
export function snapshotEvent(doc: MovieDoc, cause: Cause): DomainEvent {
  return doc.deletedAt ? movieDeletedEvent(doc._id, doc.version, cause) : movieEvent('movie.updated', doc, doc.version, cause);
}
