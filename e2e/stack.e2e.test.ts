import { adminHeaders, errorCodes, gql, must } from '@cinema/testing';
import { SUBGRAPHS } from '../scripts/lib/stack';
import { startTestStack, type TestStack } from './support/test-stack';
import { BAD_INPUTS } from './support/bad-inputs';
import { ACROSS_ALL_SUBGRAPHS, seedCinemaGraph } from './support/scenario';

jest.setTimeout(120_000);

// The real thing: four processes, real HTTP between gateway and subgraphs, a real MongoDB-wire server.
let stack: TestStack;
let seed: Awaited<ReturnType<typeof seedCinemaGraph>>;

beforeAll(async () => {
  stack = await startTestStack('stack');
  seed = await seedCinemaGraph(stack.gatewayUrl);
});
afterAll(() => stack?.stop());

/** Every document of every subgraph database, to prove a rejected request wrote nothing. */
async function snapshot() {
  const counts: Record<string, number> = {};
  for (const s of SUBGRAPHS) {
    const db = stack.mongo.db(stack.databases[s]);
    for (const c of await db.listCollections().toArray()) {
      counts[`${s}.${c.name}`] = await db.collection(c.name).countDocuments();
    }
  }
  return counts;
}

describe('the whole stack through the gateway', () => {
  it('has subgraphs that refuse anyone but the gateway, including _entities and _service', async () => {
    for (const s of SUBGRAPHS) {
      for (const query of ['{ __typename }', '{ _service { sdl } }', '{ _entities(representations: []) { __typename } }']) {
        const res = await gql(stack.urls[s], query);
        expect({ s, query, status: res.status, data: res.data ?? null }).toEqual({ s, query, status: 401, data: null });
      }
    }
  });

  it('answers a movie with its reviews’ authors’ emails and its screenings’ cinemas and cities', async () => {
    const { movie } = await must(stack.gatewayUrl, ACROSS_ALL_SUBGRAPHS, { id: seed.movieId });
    expect(movie.title).toBe('Arrival');
    expect(movie.reviews.map((r: any) => r.author.email)).toEqual([
      `ann-${seed.tag}@example.com`,
      `bob-${seed.tag}@example.com`,
    ]);
    expect(movie.screenings).toEqual([
      { isPremiere: true, cinema: { name: 'Cinema Ideal', city: { name: `Lisbon ${seed.tag}` } } },
    ]);
  });

  it('answers the catalog of a city with its cinemas and upcoming premieres', async () => {
    const { catalog } = await must(
      stack.gatewayUrl,
      'query($c: ID!) { catalog(cityId: $c) { name premieres { isPremiere movie { title } } } }',
      { c: seed.cityId },
    );
    expect(catalog).toEqual([{ name: 'Cinema Ideal', premieres: [{ isPremiere: true, movie: { title: 'Arrival' } }] }]);
  });

  it('returns null for a well-formed id that names nothing', async () => {
    const res = await gql(stack.gatewayUrl, '{ user(id: "ffffffffffffffffffffffff") { id } movie(id: "ffffffffffffffffffffffff") { id } }');
    expect(res).toMatchObject({ status: 200, data: { user: null, movie: null } });
    expect(res.errors).toBeUndefined();
  });

  it.each(BAD_INPUTS.map((b) => [b.name, b] as const))('rejects %s with BAD_USER_INPUT and changes nothing', async (_name, bad) => {
    const before = await snapshot();
    const res = await gql(stack.gatewayUrl, bad.query, bad.variables(seed), await adminHeaders());
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0]?.message.length).toBeGreaterThan(10);
    expect(await snapshot()).toEqual(before);
  });

  it('keeps working after a deleted author: their review still resolves, as a tombstone', async () => {
    await must(stack.gatewayUrl, 'mutation($id: ID!) { deleteUser(id: $id) }', { id: seed.bob });
    const { movie } = await must(stack.gatewayUrl, ACROSS_ALL_SUBGRAPHS, { id: seed.movieId });
    expect(movie.reviews[1].author.fullName).toBe('Deleted user');
    expect(movie.reviews[1].author.email).not.toContain('bob-');
  });
});
