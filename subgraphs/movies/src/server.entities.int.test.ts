import { ObjectId } from 'mongodb';
import { gatewayGqlFor } from '@cinema/testing';
import { startMovies, type RunningMovies } from './test-server';

const gql = gatewayGqlFor('movies');

let s: RunningMovies;
const movieIds: string[] = [];
const authorNames = ['Ann', 'Bob', 'Cy'];

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Movie { id title deletedAt reviews { id author { id } authorName } averageRating } } }`;
const ADD = 'mutation($input: AddReviewInput!) { addReview(input: $input) { id } }';
const asRefs = (ids: unknown[]) => ids.map((id) => ({ __typename: 'Movie', id }));

beforeAll(async () => {
  s = await startMovies('movies_entities_http');
  // Reviews need authors that movies' replica of user profiles knows.
  const authors = [];
  for (const name of authorNames) authors.push(await s.knownUser(name));
  for (let i = 0; i < 10; i++) {
    const r = await gql(s.url, 'mutation($t: String!) { createMovie(input: { title: $t, durationMinutes: 90 }) { id } }', {
      t: `Movie ${i}`,
    });
    movieIds.push(r.data!.createMovie.id);
    for (let k = 0; k < 3; k++) {
      await gql(s.url, ADD, { input: { movieId: movieIds[i], authorId: authors[k], rating: 1 + ((i + k) % 5), body: 'ok' } });
    }
  }
});
afterAll(() => s.stop());

/** Runs the gateway-style entity fetch and returns it with the database commands it caused. */
async function fetchEntities(representations: unknown[]) {
  s.t.resetCommands();
  const r = await gql(s.url, ENTITIES, { r: representations });
  expect(r.errors).toBeUndefined();
  return { entities: r.data!._entities as Array<Record<string, any> | null>, commands: [...s.t.commands].sort() };
}

describe('movies subgraph over HTTP: entity references', () => {
  it('resolves any number of movie references with the same four database commands', async () => {
    const two = await fetchEntities(asRefs(movieIds.slice(0, 2)));
    const ten = await fetchEntities(asRefs(movieIds));
    // Movies by id, reviews of all movies, ratings of all movies, their authors' profiles: one
    // each, whatever the batch size.
    expect(two.commands).toEqual(['aggregate', 'find', 'find', 'find']);
    expect(ten.commands).toEqual(two.commands);
    expect(ten.entities.map((m) => m!.id)).toEqual(movieIds);
    expect(ten.entities.every((m) => m!.reviews.length === 3 && typeof m!.averageRating === 'number')).toBe(true);
    expect(ten.entities[0]!.reviews[0].author.id).toMatch(/^[0-9a-f]{24}$/);
    expect(ten.entities[0]!.reviews.map((r: { authorName: string }) => r.authorName)).toEqual(authorNames);
  });

  it('resolves a deleted movie as its tombstone and unknown or malformed ids as null', async () => {
    const [gone] = movieIds.slice(-1);
    await gql(s.url, 'mutation($id: ID!) { deleteMovie(id: $id) }', { id: gone });
    const { entities } = await fetchEntities(asRefs([gone, new ObjectId().toHexString(), 'nope', { $ne: null }]));
    expect(entities[0]).toMatchObject({ id: gone, title: 'Movie 9' });
    expect(entities[0]!.deletedAt).toEqual(expect.any(String));
    expect(entities.slice(1)).toEqual([null, null, null]);
  });
});
