import { ObjectId } from 'mongodb';
import { z } from 'zod';
import { badUserInput } from '@cinema/serving';

/**
 * Input rules shared by every subgraph. Everything a client sends passes through one of these
 * before it can reach MongoDB, so a value is always a plain string/number/Date, never an operator.
 */

const NO_CONTROL_CHARS = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;
// A surrogate half without its partner: JSON can carry one ("\ud800"), UTF-8 (and so BSON) cannot;
// the driver would silently store U+FFFD instead of what the client sent.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Trimmed, non-empty, bounded, well-formed text without control characters (NUL bytes included). */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .regex(NO_CONTROL_CHARS, { error: 'must not contain control characters' })
    .refine((s) => !LONE_SURROGATE.test(s), { error: 'must be well-formed Unicode (no lone surrogates)' });

/** The 24-hex-digit ids every entity here uses; anything else is malformed. */
export const id = () =>
  z
    .string({ error: 'must be an id string' })
    .regex(/^[0-9a-fA-F]{24}$/, { error: 'is not a valid id (expected 24 hexadecimal characters)' })
    .transform((s) => new ObjectId(s));

/** ISO-8601 date-time with an explicit offset (`2026-12-24T20:00:00Z`), stored as a Date. */
export const isoDateTime = () =>
  z.iso
    .datetime({ offset: true, error: 'must be an ISO-8601 date-time such as 2026-12-24T20:00:00Z' })
    .transform((s) => new Date(s));

/** ISO-8601 calendar date (`2026-12-24`) or date-time, kept as the calendar date string. */
export const isoDate = () =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], {
      error: 'must be an ISO-8601 date such as 2026-12-24',
    })
    .transform((s) => s.slice(0, 10));

export const email = () =>
  z
    .string()
    .trim()
    .max(254, { error: 'must be at most 254 characters' })
    .pipe(z.email({ error: 'is not a valid email address' }))
    .transform((s) => s.toLowerCase());

/** Validates `value`; on failure throws BAD_USER_INPUT naming the offending argument path. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root = 'input'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
  throw badUserInput(`${path} ${issue.message}${more}`, path);
}

/** Parses an id argument, e.g. `user(id:)`; malformed → BAD_USER_INPUT. */
export function parseId(value: unknown, argument = 'id'): ObjectId {
  return parseInput(id(), value, argument);
}
