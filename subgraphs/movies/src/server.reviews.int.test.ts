import { ObjectId } from 'mongodb';
import { errorCodes, gatewayGqlFor } from '@cinema/testing';
import { startMovies, type RunningMovies } from './test-server';
import { userDeleted, userProfileUpdated } from './test-user-events';

const gql = gatewayGqlFor('movies');

let s: RunningMovies;
let movieId: string;
let deletedId: string;
// Authors must be known to movies' replica of user profiles: seeded through its projection.
let authorId: string;
let deletedAuthorId: string;

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
  authorId = await s.knownUser('Ann Author');
  deletedAuthorId = await s.knownUser('Gone Author');
  await s.replicate(userDeleted(new ObjectId(deletedAuthorId), 2));
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

  it('answers review(id) (what reviewAdded\'s payloads are asked of): null for no such review, BAD_USER_INPUT for a malformed id', async () => {
    // A movie and an author of its own: the tests below count the shared ones' reviews.
    const filmId = await createMovie('Stalker');
    const idaId = await s.knownUser('Ida');
    const added = await gql(s.url, 'mutation($input: AddReviewInput!) { addReview(input: $input) { id } }', review({ movieId: filmId, authorId: idaId, rating: 2 }));
    const id = added.data!.addReview.id as string;
    const byId = await gql(s.url, 'query($id: ID!) { review(id: $id) { id rating movie { id } author { id } } }', { id });
    expect(byId.data).toEqual({ review: { id, rating: 2, movie: { id: filmId }, author: { id: idaId } } });
    expect((await gql(s.url, 'query { review(id: "0123456789abcdef01234567") { id } }')).data).toEqual({ review: null });
    expect(errorCodes(await gql(s.url, 'query { review(id: "{\\"$ne\\": null}") { id } }'))).toEqual(['BAD_USER_INPUT']);
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
    ['an author the replica does not know', () => ({ authorId: 'abcdefabcdefabcdefabcdef' }), 'no user with id abcdefabcdefabcdefabcdef (unknown or deleted)'],
    ['a deleted author', () => ({ authorId: deletedAuthorId }), '(unknown or deleted)'],
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

  it.each<[string, () => string]>([
    ['an unknown author', () => new ObjectId().toHexString()],
    ['a deleted author', () => deletedAuthorId],
  ])('points at input.authorId for %s and records no event', async (_, author) => {
    const before = { reviews: await s.server.reviews.reviews.find().toArray(), movies: await s.server.movies.movies.find().toArray() };
    const id = author();
    const r = await gql(s.url, ADD, review({ authorId: id }));
    expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.message])).toEqual([
      ['BAD_USER_INPUT', 'input.authorId', `no user with id ${id} (unknown or deleted)`],
    ]);
    expect(r.data).toBeNull();
    expect({ reviews: await s.server.reviews.reviews.find().toArray(), movies: await s.server.movies.movies.find().toArray() }).toEqual(before);
  });

  it('names the author from the replica, following the profile events applied later', async () => {
    const zoeId = await s.knownUser('Zoe');
    const filmId = await createMovie('Solaris');
    const added = await gql(s.url, 'mutation($input: AddReviewInput!) { addReview(input: $input) { authorName } }', {
      input: { movieId: filmId, authorId: zoeId, rating: 5, body: 'Slow and true.' },
    });
    expect(added.data?.addReview).toEqual({ authorName: 'Zoe' });
    const names = async () =>
      (await gql(s.url, 'query($id: ID!) { movie(id: $id) { reviews { authorName } } }', { id: filmId })).data?.movie.reviews;

    await s.replicate(userProfileUpdated(new ObjectId(zoeId), 'Zoe Q.', 2));
    expect(await names()).toEqual([{ authorName: 'Zoe Q.' }]);
    // A late, older event changes nothing; the deletion then replaces the name by the placeholder.
    await s.replicate(userProfileUpdated(new ObjectId(zoeId), 'Zoe (stale)', 1));
    expect(await names()).toEqual([{ authorName: 'Zoe Q.' }]);
    await s.replicate(userDeleted(new ObjectId(zoeId), 3));
    expect(await names()).toEqual([{ authorName: 'Deleted user' }]);
  });

  it('calls an author the replica does not know "Unknown user" instead of failing the query', async () => {
    const filmId = await createMovie('Stalker');
    // A review older than the replica: written below the resolver, which would have refused it.
    await s.server.reviews.create(
      { movieId: new ObjectId(filmId), authorId: new ObjectId(), rating: 3, body: 'The Zone.' },
      { correlationId: 'test' },
    );
    const r = await gql(s.url, 'query($id: ID!) { movie(id: $id) { reviews { authorName author { id } } } }', { id: filmId });
    expect(r.errors).toBeUndefined();
    expect(r.data?.movie.reviews).toEqual([{ authorName: 'Unknown user', author: { id: expect.any(String) } }]);
  });

  it('records review.created with the request id as correlation id', async () => {
    const r = await gql(s.url, ADD, review({ rating: 2 }), { 'x-request-id': 'req-review-1' });
    const doc = await s.server.reviews.reviews.findOne({ _id: new ObjectId(r.data!.addReview.id as string) });
    expect(doc!.outbox!.map((e) => [e.type, e.aggregateVersion, e.correlationId, e.data])).toEqual([
      ['review.created', 1, 'req-review-1', expect.objectContaining({ movieId, authorId, rating: 2 })],
    ]);
  });
});
