import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { errorCodes, freePort, gql, runId, testNamespace } from '@cinema/testing';
import { startStack, SUBGRAPHS, type Stack } from '../scripts/lib/stack';
import { BAD_INPUTS } from './support/bad-inputs';
import { ACROSS_ALL_SUBGRAPHS, must, seedCinemaGraph } from './support/scenario';

jest.setTimeout(120_000);

// The real thing: four processes, real HTTP between gateway and subgraphs, a real MongoDB-wire server.
const run = randomBytes(3).toString('hex');
const databases = { users: `e2e_${runId()}_users_${run}`, movies: `e2e_${runId()}_movies_${run}`, catalog: `e2e_${runId()}_catalog_${run}` };
let stack: Stack;
let mongo: MongoClient;
let seed: Awaited<ReturnType<typeof seedCinemaGraph>>;

beforeAll(async () => {
  const [gateway, users, movies, catalog] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  stack = await startStack({
    mongoUrl: process.env.MONGO_URL!,
    amqpUrl: process.env.AMQP_URL!,
    ports: { gateway, users, movies, catalog },
    databases,
    env: { LOG_LEVEL: 'warn', AMQP_NAMESPACE: testNamespace('stack') },
  });
  mongo = await new MongoClient(process.env.MONGO_URL!).connect();
  seed = await seedCinemaGraph(stack.gatewayUrl);
});

afterAll(async () => {
  await stack?.stop();
  if (mongo) {
    await Promise.all(Object.values(databases).map((d) => mongo.db(d).dropDatabase().catch(() => undefined)));
    await mongo.close();
  }
});

/** Every document of every subgraph database, to prove a rejected request wrote nothing. */
async function snapshot() {
  const counts: Record<string, number> = {};
  for (const s of SUBGRAPHS) {
    const db = mongo.db(databases[s]);
    for (const c of await db.listCollections().toArray()) {
      counts[`${s}.${c.name}`] = await db.collection(c.name).countDocuments();
    }
  }
  return counts;
}

describe('the whole stack through the gateway', () => {
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
    const res = await gql(stack.gatewayUrl, bad.query, bad.variables(seed));
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
