import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import { isoDate, text } from '@cinema/service-kit';

/** The movies collection's document. `version` is the aggregate version events will carry. */
export interface MovieDoc {
  _id: ObjectId;
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
