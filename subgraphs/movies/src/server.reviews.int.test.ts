import { ObjectId } from 'mongodb';
import { errorCodes, gql } from '@cinema/testing';
import { startMovies, type RunningMovies } from './test-server';

let s: RunningMovies;
let movieId: string;
let deletedId: string;
const authorId = new ObjectId().toHexString();

const ADD = `mutation($input: AddReviewInput!) {
  addReview(input: $input) { id rating body createdAt author { id } movie { id title } } }`;
const REVIEWS = `query($id: ID!, $first: Int, $after: String) {
  movie(id: $id) { averageRating reviews(first: $first, after: $after) { id rating } } }`;
const USER_REVIEWS = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on User { id reviews(first: 2) { rating movie { id } } } } }`;

async function createMovie(title: string): Promise<string> {
  const r = await gql(s.url, 'mutation($t: String!) { createMovie(input: { title: $t, durationMinutes: 90 }) { id } }', { t: title });
  return r.data!.createMovie.id;
}

beforeAll(async () => {
  s = await startMovies('movies_reviews_http');
  movieId = await createMovie('Alien');
  deletedId = await createMovie('Gone');
  await gql(s.url, 'mutation($id: ID!) { deleteMovie(id: $id) }', { id: deletedId });
});
afterAll(() => s.stop());

const review = (over: Record<string, unknown> = {}) => ({ input: { movieId, authorId, rating: 4, body: 'Tense.', ...over } });

describe('movies subgraph over HTTP: reviews', () => {
  it('adds a review that links its movie and author', async () => {
    const r = await gql(s.url, ADD, review());
    expect(r.errors).toBeUndefined();
    expect(r.data?.addReview).toMatchObject({ rating: 4, body: 'Tense.', author: { id: authorId }, movie: { id: movieId, title: 'Alien' } });
    expect(new Date(r.data!.addReview.createdAt).toISOString()).toBe(r.data!.addReview.createdAt);
  });

  // Overrides are functions: the movie ids only exist once beforeAll has run.
  it.each<[string, () => Record<string, unknown>, string]>([
    ['rating 0', () => ({ rating: 0 }), 'input.rating must be between 1 and 5'],
    ['rating 6', () => ({ rating: 6 }), 'input.rating must be between 1 and 5'],
    ['an empty body', () => ({ body: '  ' }), 'input.body must not be empty'],
    ['an unknown movie', () => ({ movieId: '0123456789abcdef01234567' }), 'no movie with id 0123456789abcdef01234567'],
    ['a deleted movie', () => ({ movieId: deletedId }), 'no movie with id'],
    ['a malformed movie id', () => ({ movieId: 'nope' }), 'input.movieId is not a valid id'],
    ['an operator string as movie id', () => ({ movieId: '{"$ne": null}' }), 'input.movieId is not a valid id'],
    ['an operator string as author id', () => ({ authorId: '{"$ne": null}' }), 'input.authorId is not a valid id'],
    ['an operator object as movie id', () => ({ movieId: { $ne: null } }), 'movieId'],
    ['an operator object as author id', () => ({ authorId: { $ne: null } }), 'authorId'],
  ])('rejects %s with BAD_USER_INPUT and writes nothing', async (_, over, message) => {
    const before = await s.server.reviews.reviews.countDocuments();
    const r = await gql(s.url, ADD, review(over()));
    expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.message).toContain(message);
    expect(await s.server.reviews.reviews.countDocuments()).toBe(before);
  });

  it('lists a movie`s reviews oldest first, page by page, with their average', async () => {
    for (const rating of [5, 1, 3]) await gql(s.url, ADD, review({ rating }));
    const all = await gql(s.url, REVIEWS, { id: movieId });
    expect(all.data?.movie.reviews.map((x: { rating: number }) => x.rating)).toEqual([4, 5, 1, 3]);
    expect(all.data?.movie.averageRating).toBe(3.25);

    const page1 = await gql(s.url, REVIEWS, { id: movieId, first: 2 });
    const last = page1.data!.movie.reviews[1].id;
    const page2 = await gql(s.url, REVIEWS, { id: movieId, first: 2, after: last });
    expect(page2.data?.movie.reviews.map((x: { rating: number }) => x.rating)).toEqual([1, 3]);
    expect(errorCodes(await gql(s.url, REVIEWS, { id: movieId, first: -1 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await gql(s.url, REVIEWS, { id: movieId, after: '{"$ne": null}' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('contributes User.reviews to users it resolves by key alone', async () => {
    const stranger = new ObjectId().toHexString();
    const r = await gql(s.url, USER_REVIEWS, {
      r: [{ __typename: 'User', id: authorId }, { __typename: 'User', id: stranger }],
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities).toEqual([
      { id: authorId, reviews: [{ rating: 4, movie: { id: movieId } }, { rating: 5, movie: { id: movieId } }] },
      { id: stranger, reviews: [] },
    ]);
  });
});
