import { adminHeaders, gatewayGql, must } from '@cinema/testing';
import { startTestStack, type TestStack } from './support/test-stack';
import { seedCinemaGraph } from './support/scenario';

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

/** Asks until an answer comes from the cache (events still arriving may evict the first ones); bounded. */
async function cached(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const a = await ask(query, variables, headers);
    if (a.cache === 'hit') return a;
    if (Date.now() > deadline) throw new Error(`never answered from the cache: ${JSON.stringify(a)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const MOVIE = 'query($id: ID!) { movie(id: $id) { id title averageRating reviews { rating } } }';

describe('response cache, evicted by the events', () => {
  it('answers a repeated query from the cache, per caller', async () => {
    const fresh = await ask(MOVIE, { id: seed.movieId }, await adminHeaders());
    const hit = await cached(MOVIE, { id: seed.movieId }, await adminHeaders());
    expect(hit.data).toEqual(fresh.data);
    // Another caller (anonymous here) has entries of its own.
    expect((await ask(MOVIE, { id: seed.movieId })).cache).toBe('miss');
    expect((await cached(MOVIE, { id: seed.movieId })).data).toEqual(fresh.data);
    // The client may ask for a fresh answer.
    expect((await ask(MOVIE, { id: seed.movieId }, { 'cache-control': 'no-cache' })).cache).toBe('miss');
    // Operators see it: outcomes, and whether the cache follows the events.
    const metrics = await (await fetch(stack.gatewayUrl.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/gateway_response_cache_requests_total\{[^}]*outcome="hit"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/gateway_response_cache_live\{[^}]*\} 1/);
  });

  it('a change made through another gateway process reaches this one by its event', async () => {
    await cached(MOVIE, { id: seed.movieId }, await adminHeaders());
    // Straight to movies, signed as a gateway would: this gateway learns of it only from movie.updated.
    const res = await gatewayGql('movies', stack.urls.movies, 'mutation($id: ID!) { updateMovie(id: $id, input: { title: "Arrival (cached)" }) { id } }', { id: seed.movieId });
    expect(res.errors).toBeUndefined();
    const seen = await askUntil(MOVIE, { id: seed.movieId }, (d) => d.movie.title === 'Arrival (cached)', 2_000);
    expect(seen.at(-1)!.cache).toBe('miss');
    const again = await ask(MOVIE, { id: seed.movieId }, await adminHeaders());
    expect(again).toEqual({ data: seen.at(-1)!.data, cache: 'hit' });
  });

  it('a caller reads their own write through the same gateway process at once, before the event', async () => {
    await cached(MOVIE, { id: seed.movieId }, await adminHeaders());
    await must(stack.gatewayUrl, 'mutation($id: ID!) { updateMovie(id: $id, input: { title: "Arrival (mine)" }) { id } }', { id: seed.movieId });
    const next = await ask(MOVIE, { id: seed.movieId }, await adminHeaders());
    expect(next).toMatchObject({ data: { movie: { title: 'Arrival (mine)' } }, cache: 'miss' });
  });

  it('review.created evicts the movie (its rating) and the author (their reviews)', async () => {
    const AUTHOR = 'query($id: ID!) { user(id: $id) { id reviews { id rating } } }';
    const carl = (await must(stack.gatewayUrl, 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email: `carl-${seed.tag}@example.com`, fullName: 'Carl Ode' } })).createUser.id;
    await cached(AUTHOR, { id: carl }, await adminHeaders());
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
