import { ObjectId } from 'mongodb';
import { ADMIN, bearer, errorCodes, gql, mintToken, must } from '@cinema/testing';
import { startInProcessGraph } from './support/in-process';
import { seedCinemaGraph } from './support/scenario';

/**
 * The access policy, field by field, through the real gateway and the three real subgraphs over
 * signed HTTP. `gateway` means refused by the gateway with no subgraph called; `subgraph` means the
 * rule depends on the data ("the user themself") and the subgraph refused it, writing nothing.
 */
type Caller = 'anonymous' | 'ann' | 'bob' | 'admin';
type Outcome = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN';

let graph: Awaited<ReturnType<typeof startInProcessGraph>>;
let seed: Awaited<ReturnType<typeof seedCinemaGraph>>;
const headers: Record<Caller, Record<string, string>> = { anonymous: {}, ann: {}, bob: {}, admin: {} };

beforeAll(async () => {
  graph = await startInProcessGraph({ http: true });
  seed = await seedCinemaGraph(graph.url);
  headers.ann = bearer(await mintToken({ sub: seed.ann }));
  headers.bob = bearer(await mintToken({ sub: seed.bob, scopes: ['reader'] }));
  headers.admin = bearer(await mintToken({ sub: ADMIN.sub, scopes: ['admin'] }));
}, 60_000);
afterAll(() => graph.stop());

async function as(caller: Caller, query: string, variables?: Record<string, unknown>) {
  const before = graph.subgraphRequests();
  const res = await gql(graph.url, query, variables, headers[caller]);
  const codes = errorCodes(res);
  const outcome: Outcome | string = codes.length === 0 ? 'ok' : codes.join(',');
  return { res, outcome, subgraphCalls: graph.subgraphRequests() - before };
}

const unknownId = () => new ObjectId().toHexString();
const inAMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

interface Row {
  name: string;
  query: string;
  variables: () => Record<string, unknown>;
  expect: Record<Caller, Outcome>;
  /** Who refuses the callers that are refused. */
  refusedBy: 'gateway' | 'subgraph' | 'both';
}

const PUBLIC: Record<Caller, Outcome> = { anonymous: 'ok', ann: 'ok', bob: 'ok', admin: 'ok' };
const ADMIN_ONLY: Record<Caller, Outcome> = { anonymous: 'UNAUTHENTICATED', ann: 'FORBIDDEN', bob: 'FORBIDDEN', admin: 'ok' };
const SELF_OR_ADMIN: Record<Caller, Outcome> = { anonymous: 'UNAUTHENTICATED', ann: 'ok', bob: 'FORBIDDEN', admin: 'ok' };

const rows: Row[] = [
  { name: 'Query.movie with reviews and authors', query: 'query($id: ID!) { movie(id: $id) { title reviews { rating authorName author { fullName } } } }', variables: () => ({ id: seed.movieId }), expect: PUBLIC, refusedBy: 'gateway' },
  { name: 'Query.movies', query: '{ movies(first: 5) { id title } }', variables: () => ({}), expect: PUBLIC, refusedBy: 'gateway' },
  { name: 'Query.city / catalog', query: 'query($id: ID!) { city(id: $id) { name } catalog(cityId: $id) { name } }', variables: () => ({ id: seed.cityId }), expect: PUBLIC, refusedBy: 'gateway' },
  { name: 'User.fullName', query: 'query($id: ID!) { user(id: $id) { fullName } }', variables: () => ({ id: seed.ann }), expect: PUBLIC, refusedBy: 'gateway' },
  { name: 'User.email (of ann)', query: 'query($id: ID!) { user(id: $id) { email } }', variables: () => ({ id: seed.ann }), expect: SELF_OR_ADMIN, refusedBy: 'both' },
  { name: 'Mutation.createUser (sign-up)', query: 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', variables: () => ({ i: { email: `${unknownId()}@example.com`, fullName: 'New Person' } }), expect: PUBLIC, refusedBy: 'gateway' },
  { name: 'Mutation.updateUserProfile (of ann)', query: 'mutation($id: ID!) { updateUserProfile(id: $id, input: { fullName: "Ann Lee" }) { id } }', variables: () => ({ id: seed.ann }), expect: SELF_OR_ADMIN, refusedBy: 'both' },
  { name: 'Mutation.addReview (as ann)', query: 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', variables: () => ({ i: { movieId: seed.movieId, authorId: seed.ann, rating: 4, body: 'again' } }), expect: SELF_OR_ADMIN, refusedBy: 'both' },
  { name: 'Mutation.createMovie', query: 'mutation { createMovie(input: { title: "Heat", durationMinutes: 170 }) { id } }', variables: () => ({}), expect: ADMIN_ONLY, refusedBy: 'gateway' },
  { name: 'Mutation.updateMovie', query: 'mutation($id: ID!) { updateMovie(id: $id, input: { synopsis: "A linguist." }) { id } }', variables: () => ({ id: seed.movieId }), expect: ADMIN_ONLY, refusedBy: 'gateway' },
  { name: 'Mutation.deleteMovie (of no movie)', query: 'mutation($id: ID!) { deleteMovie(id: $id) }', variables: () => ({ id: unknownId() }), expect: ADMIN_ONLY, refusedBy: 'gateway' },
  { name: 'Mutation.createCity', query: 'mutation { createCity(input: { name: "Porto" }) { id } }', variables: () => ({}), expect: ADMIN_ONLY, refusedBy: 'gateway' },
  { name: 'Mutation.createCinema', query: 'mutation($c: ID!) { createCinema(input: { cityId: $c, name: "Trindade" }) { id } }', variables: () => ({ c: seed.cityId }), expect: ADMIN_ONLY, refusedBy: 'gateway' },
  { name: 'Mutation.scheduleScreening', query: 'mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id } }', variables: () => ({ i: { cinemaId: seed.cinemaId, movieId: seed.movieId, startsAt: inAMonth() } }), expect: ADMIN_ONLY, refusedBy: 'gateway' },
  { name: 'User.credits (of ann)', query: 'query($id: ID!) { user(id: $id) { credits } }', variables: () => ({ id: seed.ann }), expect: SELF_OR_ADMIN, refusedBy: 'both' },
  { name: 'User.bookings (of ann)', query: 'query($id: ID!) { user(id: $id) { bookings { id } } }', variables: () => ({ id: seed.ann }), expect: SELF_OR_ADMIN, refusedBy: 'both' },
  { name: 'Query.booking (of no booking)', query: 'query($id: ID!) { booking(id: $id) { id } }', variables: () => ({ id: unknownId() }), expect: { ...PUBLIC, anonymous: 'UNAUTHENTICATED' }, refusedBy: 'gateway' },
  { name: 'Mutation.grantCredits', query: 'mutation($u: ID!) { grantCredits(userId: $u, amount: 5, reason: "test") { id } }', variables: () => ({ u: seed.ann }), expect: ADMIN_ONLY, refusedBy: 'gateway' },
  { name: 'Mutation.cancelScreening (of no screening)', query: 'mutation($id: ID!) { cancelScreening(id: $id) }', variables: () => ({ id: unknownId() }), expect: ADMIN_ONLY, refusedBy: 'gateway' },
];

describe('the access policy holds field by field (real gateway, real subgraphs over signed HTTP)', () => {
  for (const row of rows) {
    it(row.name, async () => {
      for (const caller of ['anonymous', 'ann', 'bob', 'admin'] as const) {
        const { outcome, subgraphCalls, res } = await as(caller, row.query, row.variables());
        expect({ caller, outcome }).toEqual({ caller, outcome: row.expect[caller] });
        if (outcome === 'ok') continue;
        // A refusal is an error, never a silent null where the value would be.
        expect(res.errors![0]!.message).toMatch(/not allowed|only the user themself|requires/);
        const byGateway = row.refusedBy === 'gateway' || (row.refusedBy === 'both' && caller === 'anonymous');
        expect({ caller, subgraphCalled: subgraphCalls > 0 }).toEqual({ caller, subgraphCalled: !byGateway });
      }
    });
  }

  it('Mutation.deleteUser: the user themself or an admin, nobody else', async () => {
    const fresh = async () => (await must(graph.url, 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email: `${unknownId()}@example.com`, fullName: 'Short Lived' } })).createUser.id as string;
    const DELETE = 'mutation($id: ID!) { deleteUser(id: $id) }';
    const victim = await fresh();
    expect((await as('anonymous', DELETE, { id: victim })).outcome).toBe('UNAUTHENTICATED');
    expect((await as('bob', DELETE, { id: victim })).outcome).toBe('FORBIDDEN');
    expect((await gql(graph.url, 'query($id: ID!) { user(id: $id) { id } }', { id: victim })).data).toEqual({ user: { id: victim } });
    const self = await gql(graph.url, DELETE, { id: victim }, bearer(await mintToken({ sub: victim })));
    expect(self.data).toEqual({ deleteUser: true });
    expect((await as('admin', DELETE, { id: await fresh() })).res.data).toEqual({ deleteUser: true });
  });

  it('a refused write changes nothing', async () => {
    const name = async () => (await gql(graph.url, 'query($id: ID!) { user(id: $id) { fullName } }', { id: seed.ann })).data!.user.fullName;
    const before = await name();
    await as('bob', 'mutation($id: ID!) { updateUserProfile(id: $id, input: { fullName: "Hijacked" }) { id } }', { id: seed.ann });
    expect(await name()).toBe(before);
    const reviews = async () => (await gql(graph.url, 'query($id: ID!) { movie(id: $id) { reviews(first: 100) { id } } }', { id: seed.movieId })).data!.movie.reviews.length;
    const count = await reviews();
    await as('bob', 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', { i: { movieId: seed.movieId, authorId: seed.ann, rating: 1, body: 'forged' } });
    expect(await reviews()).toBe(count);
  });
});
