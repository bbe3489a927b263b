import { adminHeaders } from '@cinema/testing';
import { startTestStack, type TestStack } from './support/test-stack';
import { must, seedCinemaGraph } from './support/scenario';

jest.setTimeout(120_000);

// The gateway's response cache on the whole stack: real processes, real HTTP, real RabbitMQ. What
// must hold: a repeated query is answered by the gateway alone, and a mutation's event evicts it,
// so every answer converges on the new state as the uncached gateway's do.
let stack: TestStack;
let seed: Awaited<ReturnType<typeof seedCinemaGraph>>;

beforeAll(async () => {
  stack = await startTestStack('cache', { serviceEnv: { gateway: { RESPONSE_CACHE: 'on' } } });
  seed = await seedCinemaGraph(stack.gatewayUrl);
});
afterAll(async () => {
  await stack?.stop();
});

async function ask(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return { data: body.data, cache: res.headers.get('x-response-cache') };
}

/** Asks until `accept` holds (bounded); returns every answer on the way. */
async function askUntil(query: string, variables: Record<string, unknown>, accept: (d: any) => boolean, timeoutMs = 5_000) {
  const seen: Array<Awaited<ReturnType<typeof ask>>> = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const a = await ask(query, variables, await adminHeaders());
    seen.push(a);
    if (accept(a.data)) return seen;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms; last answer: ${JSON.stringify(a)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const MOVIE = 'query($id: ID!) { movie(id: $id) { id title averageRating reviews { rating } } }';

describe('response cache, evicted by the events', () => {
  it('answers a repeated query from the cache, per caller', async () => {
    // The first answers may come before the gateway's own queue is bound; it then answers uncached.
    const admin = await askUntil(MOVIE, { id: seed.movieId }, () => true);
    await askUntil(MOVIE, { id: seed.movieId }, () => true);
    const hit = await ask(MOVIE, { id: seed.movieId }, await adminHeaders());
    expect(hit.cache).toBe('hit');
    expect(hit.data).toEqual(admin[0]!.data);
    // Another caller (anonymous here) has entries of its own.
    expect((await ask(MOVIE, { id: seed.movieId })).cache).toBe('miss');
    expect((await ask(MOVIE, { id: seed.movieId })).cache).toBe('hit');
    // The client may ask for a fresh answer.
    expect((await ask(MOVIE, { id: seed.movieId }, { 'cache-control': 'no-cache' })).cache).toBe('miss');
    // Operators see it: outcomes, and whether the cache follows the events.
    const metrics = await (await fetch(stack.gatewayUrl.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/gateway_response_cache_requests_total\{[^}]*outcome="hit"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/gateway_response_cache_live\{[^}]*\} 1/);
  });

  it('updateMovie: its event evicts the cached movie, the next answers carry the new title', async () => {
    await ask(MOVIE, { id: seed.movieId }, await adminHeaders());
    expect((await ask(MOVIE, { id: seed.movieId }, await adminHeaders())).cache).toBe('hit');
    await must(stack.gatewayUrl, 'mutation($id: ID!) { updateMovie(id: $id, input: { title: "Arrival (cached)" }) { id } }', { id: seed.movieId });
    const seen = await askUntil(MOVIE, { id: seed.movieId }, (d) => d.movie.title === 'Arrival (cached)', 2_000);
    expect(seen.at(-1)!.cache).toBe('miss');
    const again = await ask(MOVIE, { id: seed.movieId }, await adminHeaders());
    expect(again).toEqual({ data: seen.at(-1)!.data, cache: 'hit' });
  });

  it('review.created evicts the movie (its rating) and the author (their reviews)', async () => {
    const AUTHOR = 'query($id: ID!) { user(id: $id) { id reviews { id rating } } }';
    const carl = (await must(stack.gatewayUrl, 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email: `carl-${seed.tag}@example.com`, fullName: 'Carl Ode' } })).createUser.id;
    await askUntil(AUTHOR, { id: carl }, () => true);
    expect((await ask(AUTHOR, { id: carl }, await adminHeaders())).cache).toBe('hit');
    const before = (await ask(MOVIE, { id: seed.movieId }, await adminHeaders())).data.movie.averageRating;
    // Carl reaches movies' replica through user.created; until then addReview is refused.
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await must(stack.gatewayUrl, 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', { i: { movieId: seed.movieId, authorId: carl, rating: 1, body: 'Not for me.' } });
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await askUntil(AUTHOR, { id: carl }, (d) => d.user.reviews.length === 1, 2_000);
    const after = await askUntil(MOVIE, { id: seed.movieId }, (d) => d.movie.reviews.length === 3, 2_000);
    expect(after.at(-1)!.data.movie.averageRating).toBeLessThan(before);
  });

  it('never keeps what no event could evict: lists that grow silently, fields read from a replica', async () => {
    for (const [q, v] of [
      ['{ cities { id } }', {}],
      ['query($id: ID!) { movie(id: $id) { reviews { authorName } } }', { id: seed.movieId }],
    ] as const) {
      await ask(q, v);
      expect((await ask(q, v)).cache).toBeNull();
    }
  });
});
