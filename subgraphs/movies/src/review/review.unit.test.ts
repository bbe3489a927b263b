import type { GraphQLError } from 'graphql';
import { parseInput } from '@cinema/subgraph-runtime';
import { addReviewInput } from './review';

const valid = { movieId: 'a'.repeat(24), authorId: 'b'.repeat(24), rating: 4, body: 'Tense.' };

function rejection(input: unknown): string | null {
  try {
    parseInput(addReviewInput, input);
    return null;
  } catch (err) {
    expect((err as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    return (err as GraphQLError).message;
  }
}

describe('addReviewInput', () => {
  it('accepts a valid review and turns ids into ObjectIds', () => {
    const input = parseInput(addReviewInput, valid);
    expect(input.movieId.toHexString()).toBe(valid.movieId);
    expect(input.authorId.toHexString()).toBe(valid.authorId);
  });

  it.each([
    ['rating 0', { ...valid, rating: 0 }, 'input.rating must be between 1 and 5'],
    ['rating 6', { ...valid, rating: 6 }, 'input.rating must be between 1 and 5'],
    ['a fractional rating', { ...valid, rating: 3.5 }, 'input.rating must be a whole number'],
    ['an empty body', { ...valid, body: ' ' }, 'input.body must not be empty'],
    ['an oversized body', { ...valid, body: 'x'.repeat(5001) }, 'input.body must be at most 5000 characters'],
    ['a malformed movie id', { ...valid, movieId: 'nope' }, 'input.movieId is not a valid id'],
    ['an operator as movie id', { ...valid, movieId: '{"$ne": null}' }, 'input.movieId is not a valid id'],
    ['an object as author id', { ...valid, authorId: { $ne: null } }, 'input.authorId must be an id string'],
  ])('rejects %s', (_, input, message) => {
    expect(rejection(input)).toContain(message);
  });
});
