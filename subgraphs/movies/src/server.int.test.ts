import { errorCodes, gatewayGqlFor } from '@cinema/testing';
import { startMovies, type RunningMovies } from './test-server';

const gql = gatewayGqlFor('movies');

let s: RunningMovies;
beforeAll(async () => {
  s = await startMovies('movies_http');
});
afterAll(() => s.stop());

const FIELDS = 'id title synopsis durationMinutes genres releaseDate averageRating deletedAt';
const CREATE = `mutation($input: CreateMovieInput!) { createMovie(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateMovieInput!) { updateMovie(id: $id, input: $input) { ${FIELDS} } }`;
const DELETE = 'mutation($id: ID!) { deleteMovie(id: $id) }';
const MOVIE = `query($id: ID!) { movie(id: $id) { ${FIELDS} } }`;
const MOVIES = 'query($first: Int, $after: String) { movies(first: $first, after: $after) { id } }';

async function createMovie(title: string): Promise<string> {
  const r = await gql(s.url, CREATE, { input: { title, durationMinutes: 100 } });
  expect(r.errors).toBeUndefined();
  return r.data!.createMovie.id;
}

describe('movies subgraph over HTTP: movies', () => {
  it('creates, reads, updates and deletes a movie', async () => {
    const input = { title: 'Alien', durationMinutes: 117, genres: ['Horror', 'Horror'], releaseDate: '1979-05-25' };
    const created = await gql(s.url, CREATE, { input });
    expect(created.data?.createMovie).toMatchObject({
      title: 'Alien', genres: ['Horror'], synopsis: null, averageRating: null, deletedAt: null,
    });
    const id = created.data!.createMovie.id;

    const updated = await gql(s.url, UPDATE, { id, input: { synopsis: 'In space…', durationMinutes: 116 } });
    expect(updated.data?.updateMovie).toMatchObject({ title: 'Alien', synopsis: 'In space…', durationMinutes: 116 });
    expect((await gql(s.url, MOVIE, { id })).data?.movie).toEqual(updated.data!.updateMovie);
    expect(await s.server.movies.movies.findOne({ title: 'Alien' })).toMatchObject({ version: 2 });

    expect((await gql(s.url, DELETE, { id })).data).toEqual({ deleteMovie: true });
    expect((await gql(s.url, DELETE, { id })).data).toEqual({ deleteMovie: false });
    expect((await gql(s.url, MOVIE, { id })).data).toEqual({ movie: null });
    const again = await gql(s.url, UPDATE, { id, input: { title: 'Zombie' } });
    expect(errorCodes(again)).toEqual(['BAD_USER_INPUT']);
    expect(again.errors![0]!.message).toBe(`no movie with id ${id}`);
  });

  it('answers null for an unknown movie and BAD_USER_INPUT for a malformed id', async () => {
    expect((await gql(s.url, MOVIE, { id: '0123456789abcdef01234567' })).data).toEqual({ movie: null });
    for (const id of ['nope', '{"$ne": null}']) {
      expect(errorCodes(await gql(s.url, MOVIE, { id }))).toEqual(['BAD_USER_INPUT']);
    }
    expect(errorCodes(await gql(s.url, MOVIE, { id: { $ne: null } }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await gql(s.url, DELETE, { id: 'nope' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('rejects bad input with BAD_USER_INPUT and writes nothing', async () => {
    const id = await createMovie('Heat');
    const before = await s.server.movies.movies.find().toArray();
    const bad = [
      [CREATE, { input: { title: '', durationMinutes: 100 } }],
      [CREATE, { input: { title: 'x'.repeat(201), durationMinutes: 100 } }],
      [CREATE, { input: { title: 'Heat', durationMinutes: 0 } }],
      [CREATE, { input: { title: 'Heat', durationMinutes: 100, releaseDate: 'tomorrow' } }],
      [CREATE, { input: { title: { $ne: null }, durationMinutes: 100 } }],
      [UPDATE, { id, input: {} }],
      [UPDATE, { id, input: { title: null } }],
      [UPDATE, { id, input: { durationMinutes: 1001 } }],
      [UPDATE, { id: '{"$ne": null}', input: { title: 'Heat 2' } }],
    ] as const;
    for (const [query, variables] of bad) {
      const r = await gql(s.url, query, variables);
      expect({ variables, codes: errorCodes(r) }).toEqual({ variables, codes: ['BAD_USER_INPUT'] });
    }
    expect(await s.server.movies.movies.find().toArray()).toEqual(before);
  });

  it('pages live movies in creation order with first/after', async () => {
    await s.t.db.collection('movies').deleteMany({});
    const ids = [];
    for (const title of ['A', 'B', 'C', 'D', 'E']) ids.push(await createMovie(title));
    await gql(s.url, DELETE, { id: ids[2] });

    const page1 = await gql(s.url, MOVIES, { first: 2 });
    expect(page1.data?.movies.map((m: { id: string }) => m.id)).toEqual([ids[0], ids[1]]);
    const page2 = await gql(s.url, MOVIES, { first: 2, after: ids[1] });
    expect(page2.data?.movies.map((m: { id: string }) => m.id)).toEqual([ids[3], ids[4]]);
    expect((await gql(s.url, MOVIES, { first: 2, after: ids[4] })).data?.movies).toEqual([]);
    expect((await gql(s.url, MOVIES, { first: 0 })).data?.movies).toEqual([]);
    expect(errorCodes(await gql(s.url, MOVIES, { first: 101 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await gql(s.url, MOVIES, { after: '{"$ne": null}' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('records each mutation`s event with the request id as correlation id', async () => {
    const header = (id: string) => ({ 'x-request-id': id });
    const created = await gql(s.url, CREATE, { input: { title: 'Ran', durationMinutes: 162 } }, header('req-1'));
    const id = created.data!.createMovie.id as string;
    await gql(s.url, UPDATE, { id, input: { genres: ['Drama'] } }, header('req-2'));
    await gql(s.url, DELETE, { id }, header('req-3'));
    const doc = await s.server.movies.movies.findOne({ title: 'Ran' });
    expect(doc!.outbox!.map((e) => [e.type, e.aggregateVersion, e.correlationId])).toEqual([
      ['movie.created', 1, 'req-1'],
      ['movie.updated', 2, 'req-2'],
      ['movie.deleted', 3, 'req-3'],
    ]);
    expect(doc!.outbox![1]!.data).toMatchObject({ id, title: 'Ran', genres: ['Drama'] });
  });
});
