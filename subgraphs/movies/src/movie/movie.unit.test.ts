import type { GraphQLError } from 'graphql';
import { parseInput } from '@cinema/subgraph-runtime';
import { createMovieInput, updateMovieInput } from './movie';

const valid = { title: 'Alien', durationMinutes: 117 };

/** The BAD_USER_INPUT message parseInput produces, or null when the input is accepted. */
function rejection(schema: typeof createMovieInput | typeof updateMovieInput, input: unknown): string | null {
  try {
    parseInput(schema, input);
    return null;
  } catch (err) {
    expect((err as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    return (err as GraphQLError).message;
  }
}

describe('createMovieInput', () => {
  it('accepts the minimum and fills defaults', () => {
    expect(parseInput(createMovieInput, valid)).toEqual({ ...valid, genres: [], synopsis: null, releaseDate: null });
  });

  it('trims text, de-duplicates genres and keeps a release date as its calendar date', () => {
    const input = { ...valid, title: '  Alien ', genres: ['Horror', ' Horror', 'Sci-Fi'], releaseDate: '1979-05-25T20:00:00Z' };
    expect(parseInput(createMovieInput, input)).toMatchObject({
      title: 'Alien',
      genres: ['Horror', 'Sci-Fi'],
      releaseDate: '1979-05-25',
    });
  });

  it.each([
    ['an empty title', { ...valid, title: '   ' }, 'input.title must not be empty'],
    ['an oversized title', { ...valid, title: 'x'.repeat(201) }, 'input.title must be at most 200 characters'],
    ['a control character', { ...valid, title: 'Ali\u0000en' }, 'input.title must not contain control characters'],
    ['an oversized synopsis', { ...valid, synopsis: 'x'.repeat(5001) }, 'input.synopsis must be at most 5000'],
    ['a zero duration', { ...valid, durationMinutes: 0 }, 'input.durationMinutes must be between 1 and 1000'],
    ['a too long duration', { ...valid, durationMinutes: 1001 }, 'input.durationMinutes must be between 1 and 1000'],
    ['a fractional duration', { ...valid, durationMinutes: 90.5 }, 'input.durationMinutes must be a whole number'],
    ['too many genres', { ...valid, genres: Array.from({ length: 21 }, (_, i) => `g${i}`) }, 'input.genres must have at most 20'],
    ['an empty genre', { ...valid, genres: ['Drama', ''] }, 'input.genres.1 must not be empty'],
    ['an oversized genre', { ...valid, genres: ['x'.repeat(51)] }, 'input.genres.0 must be at most 50'],
    ['a malformed release date', { ...valid, releaseDate: '25/05/1979' }, 'input.releaseDate must be an ISO-8601 date'],
    ['an impossible release date', { ...valid, releaseDate: '1979-02-30' }, 'input.releaseDate must be an ISO-8601 date'],
    ['an operator instead of text', { ...valid, title: { $ne: null } }, 'input.title'],
  ])('rejects %s', (_, input, message) => {
    expect(rejection(createMovieInput, input)).toContain(message);
  });
});

describe('updateMovieInput', () => {
  it('keeps only the fields given and lets null clear the optional ones', () => {
    expect(parseInput(updateMovieInput, { title: 'Aliens', synopsis: null, releaseDate: null })).toEqual({
      title: 'Aliens',
      synopsis: null,
      releaseDate: null,
    });
  });

  it('rejects an update that changes nothing', () => {
    expect(rejection(updateMovieInput, {})).toBe('input must change at least one field');
  });

  it.each(['title', 'durationMinutes', 'genres'])('rejects a null %s', (field) => {
    expect(rejection(updateMovieInput, { [field]: null })).toBe(`input.${field} must not be null`);
  });

  it.each([
    ['an empty title', { title: '' }, 'input.title must not be empty'],
    ['an out-of-range duration', { durationMinutes: -5 }, 'input.durationMinutes must be between 1 and 1000'],
    ['a malformed release date', { releaseDate: 'soon' }, 'input.releaseDate must be an ISO-8601 date'],
    ['a control character in the synopsis', { synopsis: 'a\u0007b' }, 'input.synopsis must not contain control'],
  ])('rejects %s', (_, input, message) => {
    expect(rejection(updateMovieInput, input)).toContain(message);
  });
});
