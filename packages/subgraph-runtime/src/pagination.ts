import type { Filter, ObjectId } from 'mongodb';
import { z } from 'zod';
import { id, parseInput } from './validation';

/**
 * The same numbers as the SDLs' `first: Int = …` defaults and `@listSize(assumedSize: 100)`, from
 * which the gateway estimates an operation's cost (a unit test holds them together).
 */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const pageArgs = z.object({
  first: z
    .number()
    .int()
    .min(0, { error: 'must not be negative' })
    .max(MAX_PAGE_SIZE, { error: `must be at most ${MAX_PAGE_SIZE}` })
    .nullish(),
  after: id().nullish(),
});

/** A paginated field's arguments as GraphQL hands them over (validated by parsePage). */
export type PageArgs = { first?: number | null; after?: string | null };

export interface Page {
  limit: number;
  after: ObjectId | null;
}

/**
 * Keyset pagination over `_id` (ObjectIds grow with time, so this is creation order): `after` is
 * the id of the last item of the previous page. Stable under inserts, one index seek per page.
 * `defaultSize` is what an absent or null `first` means (the SDL's default for that field).
 */
export function parsePage(args: PageArgs, defaultSize = DEFAULT_PAGE_SIZE): Page {
  const page = parseInput(pageArgs, args, '');
  return { limit: page.first ?? defaultSize, after: page.after ?? null };
}

/** Adds the keyset condition to a filter. */
export function afterFilter<T>(filter: Filter<T>, page: Page): Filter<T> {
  return page.after ? ({ ...filter, _id: { $gt: page.after } } as Filter<T>) : filter;
}
