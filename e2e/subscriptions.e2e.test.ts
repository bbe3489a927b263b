import { gql, mintToken, must } from '@cinema/testing';
import { startTestStack, type TestStack } from './support/test-stack';
import { seedCinemaGraph } from './support/scenario';
import { book, CANCEL_BOOKING, person, statusOf, until, venue } from './support/bookings';
import { request, type IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { activeSubscriptions, collect, metric, received, sseClient, wsClient, wsUrl } from './support/live-clients';

jest.setTimeout(120_000);

// Subscriptions on the whole stack: real gateway and subgraphs, real RabbitMQ, real FerretDB, and
// the real graphql-ws and graphql-sse clients. A mutation through the gateway becomes an event; the
// gateway's queue receives it and answers each subscriber's selection through the graph.
let stack: TestStack;
let seed: Awaited<ReturnType<typeof seedCinemaGraph>>;

beforeAll(async () => {
  // Small bounds, so that a client that does not read is cut off after a few payloads. Every
  // anonymous subscriber here is one client (127.0.0.1), hundreds of subscribes in a minute: the
  // churn bound is tested in subscriptions-link.e2e.test.ts.
  const gateway = { LOG_LEVEL: process.env.SUBS_LOG ?? 'warn', SUBSCRIPTION_MAX_QUEUED: '4', SUBSCRIPTION_MAX_BUFFERED: '64kb', SUBSCRIPTION_MAX_PAYLOAD: '64kb', SUBSCRIPTION_SUBSCRIBE_RATE: '2000' };
  stack = await startTestStack('subs', { serviceEnv: { gateway }, output: (i) => (process.env.SUBS_LOG && i.startsWith('gateway') ? process.stderr : undefined) });
  seed = await seedCinemaGraph(stack.gatewayUrl);
});
afterAll(async () => {
  await stack?.stop();
});

const REVIEW_ADDED = 'subscription($m: ID!) { reviewAdded(movieId: $m) { rating author { fullName } movie { title averageRating } } }';
const ADD_REVIEW = 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }';

describe('subscriptions through the gateway', () => {
  it('graphql-ws: a review added through the gateway arrives answered across movies and users', async () => {
    const client = wsClient(stack.gatewayUrl, `Bearer ${await mintToken({ sub: seed.ann })}`);
    const sub = collect(client.iterate({ query: REVIEW_ADDED, variables: { m: seed.movieId } }));
    await activeSubscriptions(stack.gatewayUrl, 1);
    await must(stack.gatewayUrl, ADD_REVIEW, { i: { movieId: seed.movieId, authorId: seed.ann, rating: 3, body: 'Third look.' } });
    const [payload] = await received(sub.seen, 1);
    expect(payload).toEqual({ data: { reviewAdded: { rating: 3, author: { fullName: 'Ann Lee' }, movie: { title: 'Arrival', averageRating: 4 } } } });
    await sub.stop();
    await client.dispose();
    await activeSubscriptions(stack.gatewayUrl, 0);
  });

  it('binds the event queue to a routing key only while a subscription needs it', async () => {
    await activeSubscriptions(stack.gatewayUrl, 0);
    const bound = () => metric(stack.gatewayUrl, 'gateway_subscriptions_bound_keys');
    const read = () => metric(stack.gatewayUrl, 'gateway_subscription_events_total', 'type="movie.updated"');
    expect(await bound()).toBe(0);
    const before = await read();
    await must(stack.gatewayUrl, 'mutation($id: ID!) { updateMovie(id: $id, input: { genres: ["sci-fi"] }) { id } }', { id: seed.movieId });
    const client = wsClient(stack.gatewayUrl);
    const sub = collect(client.iterate({ query: 'subscription($id: ID!) { movieUpdated(id: $id) { genres } }', variables: { id: seed.movieId } }));
    await activeSubscriptions(stack.gatewayUrl, 1);
    expect(await bound()).toBe(2); // movie.updated, movie.deleted
    // Nobody needed movie.updated when that update was published: the queue never received it.
    expect(await read()).toBe(before);
    await must(stack.gatewayUrl, 'mutation($id: ID!) { updateMovie(id: $id, input: { genres: ["sci-fi", "drama"] }) { id } }', { id: seed.movieId });
    expect(await received(sub.seen, 1)).toEqual([{ data: { movieUpdated: { genres: ['sci-fi', 'drama'] } } }]);
    expect(await read()).toBe(before + 1);
    await sub.stop();
    await client.dispose();
    await activeSubscriptions(stack.gatewayUrl, 0);
    for (const deadline = Date.now() + 5_000; (await bound()) !== 0; ) {
      if (Date.now() > deadline) throw new Error('still bound after the last subscription left');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('SSE: a movie update arrives, in order, each version once', async () => {
    const client = sseClient(stack.gatewayUrl);
    const sub = collect(client.iterate({ query: 'subscription($id: ID!) { movieUpdated(id: $id) { title } }', variables: { id: seed.movieId } }));
    await activeSubscriptions(stack.gatewayUrl, 1);
    for (const title of ['Arrival (1)', 'Arrival (2)', 'Arrival (3)']) {
      await must(stack.gatewayUrl, 'mutation($id: ID!, $t: String!) { updateMovie(id: $id, input: { title: $t }) { id } }', { id: seed.movieId, t: title });
    }
    const seen = await received(sub.seen, 3);
    // Each payload is the movie as the graph answers it when its event is delivered: never older than that event.
    expect(seen.map((p) => (p.data as any).movieUpdated.title).at(-1)).toBe('Arrival (3)');
    expect(seen).toHaveLength(3);
    await sub.stop();
    client.dispose();
    await must(stack.gatewayUrl, 'mutation($id: ID!) { updateMovie(id: $id, input: { title: "Arrival" }) { id } }', { id: seed.movieId });
  });

  it('refuses what a query would refuse: protected fields without a token, a bad token, another user\'s e-mail', async () => {
    const anonymous = wsClient(stack.gatewayUrl);
    const refused = collect(anonymous.iterate({ query: 'subscription { bookingUpdated(id: "0123456789abcdef01234567") { status } }' }));
    const err = (await refused.done) as Array<{ extensions?: { code?: string } }>;
    expect(err.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    await anonymous.dispose();

    const forged = wsClient(stack.gatewayUrl, `Bearer ${await mintToken({ sub: seed.ann, secret: 'another-secret-that-is-long-enough-000000' })}`);
    collect(forged.iterate({ query: REVIEW_ADDED, variables: { m: seed.movieId } }));
    expect((await forged.closed).code).toBe(4403);

    const sse = await fetch(`${stack.gatewayUrl}/stream`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer x.y.z' }, body: JSON.stringify({ query: REVIEW_ADDED, variables: { m: seed.movieId } }) });
    expect(sse.status).toBe(401);

    // The author's e-mail is the author's own (users' rule): bob subscribing sees ann's review, not her address.
    const bob = wsClient(stack.gatewayUrl, `Bearer ${await mintToken({ sub: seed.bob })}`);
    const emails = collect(bob.iterate({ query: 'subscription($m: ID!) { reviewAdded(movieId: $m) { rating author { email } } }', variables: { m: seed.movieId } }));
    await activeSubscriptions(stack.gatewayUrl, 1);
    await must(stack.gatewayUrl, ADD_REVIEW, { i: { movieId: seed.movieId, authorId: seed.ann, rating: 2, body: 'Fourth look.' } });
    const [payload] = await received(emails.seen, 1);
    expect(JSON.stringify(payload)).not.toContain(`ann-${seed.tag}@example.com`);
    expect(payload!.errors?.length).toBeGreaterThan(0);
    await emails.stop();
    await bob.dispose();
    await activeSubscriptions(stack.gatewayUrl, 0);
  });

  it('ends a connection when its token expires (WebSocket 4401; SSE: a last UNAUTHENTICATED error)', async () => {
    // Tokens are accepted up to JWT_CLOCK_TOLERANCE_S (5 s) past exp, and no longer.
    const token = `Bearer ${await mintToken({ sub: seed.ann, expiresIn: 1 })}`;
    const ws = wsClient(stack.gatewayUrl, token);
    const sse = sseClient(stack.gatewayUrl, token);
    const query = { query: 'subscription($id: ID!) { movieUpdated(id: $id) { id } }', variables: { id: seed.movieId } };
    const viaWs = collect(ws.iterate(query));
    const viaSse = collect(sse.iterate(query));
    await activeSubscriptions(stack.gatewayUrl, 2);
    const started = Date.now();
    expect((await ws.closed).code).toBe(4401);
    await viaSse.done;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((viaSse.seen.at(-1) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await viaWs.done;
    await activeSubscriptions(stack.gatewayUrl, 0);
    sse.dispose();
  });

  it('holds to its limits: connection_init in time, subscriptions per connection, payload size; POST is told where subscriptions are', async () => {
    // No connection_init: closed with 4408 after SUBSCRIPTION_INIT_TIMEOUT_MS (3 s by default).
    const mute = new WebSocket(wsUrl(stack.gatewayUrl), 'graphql-transport-ws');
    const opened = Date.now();
    expect(await new Promise((r) => mute.once('close', r))).toBe(4408);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(2_500);

    // 100 per connection (SUBSCRIPTION_MAX_PER_CONNECTION): the 101st is refused, the others live.
    const client = wsClient(stack.gatewayUrl);
    const subs = Array.from({ length: 100 }, () => collect(client.iterate({ query: 'subscription($id: ID!) { movieUpdated(id: $id) { id } }', variables: { id: seed.movieId } })));
    await activeSubscriptions(stack.gatewayUrl, 100);
    const extra = collect(client.iterate({ query: 'subscription($id: ID!) { movieUpdated(id: $id) { id } }', variables: { id: seed.movieId } }));
    expect(((await extra.done) as Array<{ extensions?: { code?: string } }>).map((e) => e.extensions?.code)).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
    await Promise.all(subs.map((x) => x.stop()));
    await activeSubscriptions(stack.gatewayUrl, 0);

    // A payload over SUBSCRIPTION_MAX_PAYLOAD (64 kB here): an error in its place, the subscription goes on.
    const { createMovie } = await must(stack.gatewayUrl, 'mutation { createMovie(input: { title: "Big", durationMinutes: 90 }) { id } }');
    const fields = Array.from({ length: 14 }, (_, i) => `s${i}: synopsis`).join(' ');
    const big = collect(client.iterate({ query: `subscription($id: ID!) { movieUpdated(id: $id) { ${fields} } }`, variables: { id: createMovie.id } }));
    await activeSubscriptions(stack.gatewayUrl, 1);
    const update = (synopsis: string) => must(stack.gatewayUrl, 'mutation($id: ID!, $s: String!) { updateMovie(id: $id, input: { synopsis: $s }) { id } }', { id: createMovie.id, s: synopsis });
    await update('x'.repeat(5_000)); // 14 × 5 000 characters: over 64 kB
    // (one after the other: a payload is the movie when it is answered, so a second update made at once could be it)
    const [tooLarge] = await received(big.seen, 1);
    await update('short');
    const [, fits] = await received(big.seen, 2);
    expect(tooLarge!.errors!.map((e) => e.extensions?.code)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(tooLarge!.data).toBeUndefined();
    expect((fits!.data as any).movieUpdated.s0).toBe('short');
    await big.stop();
    await client.dispose();

    // An SSE request body over SUBSCRIPTION_MAX_MESSAGE (64 kB) is refused unread past the bound.
    const huge = await fetch(`${stack.gatewayUrl}/stream`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ query: `subscription { movieUpdated(id: "${seed.movieId}") { id } } ${'#'.repeat(100_000)}` }) });
    expect(huge.status).toBe(400);
    expect(await huge.text()).toMatch(/too large/);

    // A subscription posted as a query is refused with where to send it.
    const posted = await gql(stack.gatewayUrl, 'subscription($id: ID!) { movieUpdated(id: $id) { id } }', { id: seed.movieId });
    expect(posted.errors![0]!.message).toMatch(/served on \/graphql over WebSocket .* and over SSE \(a request accepting text\/event-stream/);
  });

  it('cuts off a client that does not read (WebSocket 1013) while another on the same field keeps receiving', async () => {
    const { createMovie } = await must(stack.gatewayUrl, 'mutation { createMovie(input: { title: "Slow", durationMinutes: 90 }) { id } }');
    const id = createMovie.id as string;
    const fast = wsClient(stack.gatewayUrl);
    const fastSub = collect(fast.iterate({ query: 'subscription($id: ID!) { movieUpdated(id: $id) { synopsis } }', variables: { id } }));
    // The slow one, speaking the protocol by hand so that it can stop reading: 100 subscriptions of ~60 kB payloads,
    // 6 MB an event (the kernel's socket buffers alone hold tens of MB on loopback).
    const slow = new WebSocket(wsUrl(stack.gatewayUrl), 'graphql-transport-ws');
    const closed = new Promise<number>((r) => slow.once('close', (code) => r(code)));
    await new Promise((r) => slow.once('open', r));
    slow.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((r) => slow.once('message', r));
    const big = Array.from({ length: 12 }, (_, i) => `s${i}: synopsis`).join(' ');
    for (let i = 0; i < 100; i++) slow.send(JSON.stringify({ id: `s${i}`, type: 'subscribe', payload: { query: `subscription($id: ID!) { movieUpdated(id: $id) { ${big} } }`, variables: { id } } }));
    await activeSubscriptions(stack.gatewayUrl, 101);
    // One payload read, to be sure what it weighs; then the slow client stops reading.
    const first = new Promise<any>((r) => slow.once('message', (m: Buffer) => r(JSON.parse(String(m)))));
    await must(stack.gatewayUrl, 'mutation($id: ID!) { updateMovie(id: $id, input: { synopsis: "x" }) { id } }', { id });
    expect((await first).payload).toEqual({ data: { movieUpdated: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`s${i}`, 'x'])) } });
    slow.pause(); // stops reading its socket
    const updates = 12;
    for (let i = 0; i < updates; i++) {
      await must(stack.gatewayUrl, 'mutation($id: ID!, $s: String!) { updateMovie(id: $id, input: { synopsis: $s }) { id } }', { id, s: `${i}`.padEnd(5_000, '.') });
    }
    const seen = await received(fastSub.seen, updates + 1, 30_000);
    expect(seen.map((p) => ((p.data as any).movieUpdated.synopsis as string).replace(/\.+$/, '')).at(-1)).toBe(`${updates - 1}`);
    // The slow one is cut once its unsent payloads pass the bound: its 100 subscriptions end, the fast one stays.
    await activeSubscriptions(stack.gatewayUrl, 1, 30_000);
    expect(await metric(stack.gatewayUrl, 'gateway_subscription_drops_total', 'reason="slow_client"')).toBeGreaterThanOrEqual(1);
    slow.resume();
    expect(await closed).toBe(1013);
    await fastSub.stop();
    await fast.dispose();
  });

  it('SSE: cuts off a client that does not read (its response ends) while another keeps receiving', async () => {
    const { createMovie } = await must(stack.gatewayUrl, 'mutation { createMovie(input: { title: "Slow SSE", durationMinutes: 90 }) { id } }');
    const id = createMovie.id as string;
    const base = await metric(stack.gatewayUrl, 'gateway_subscriptions_active');
    const cutBefore = await metric(stack.gatewayUrl, 'gateway_subscription_drops_total', 'reason="slow_client"');
    const fast = sseClient(stack.gatewayUrl);
    const fastSub = collect(fast.iterate({ query: 'subscription($id: ID!) { movieUpdated(id: $id) { synopsis } }', variables: { id } }));
    try {
      // The slow one: a plain HTTP request on /graphql accepting an event stream, ~60 kB a payload,
      // whose response is never read. The gateway holds what the kernel will not take, up to its bounds.
      const big = Array.from({ length: 12 }, (_, i) => `s${i}: synopsis`).join(' ');
      const req = request(stack.gatewayUrl, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', accept: 'text/event-stream' } });
      req.on('error', () => undefined);
      req.end(JSON.stringify({ query: `subscription($id: ID!) { movieUpdated(id: $id) { ${big} } }`, variables: { id } }));
      const res = await new Promise<IncomingMessage>((r) => req.once('response', r));
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      res.on('error', () => undefined);
      res.pause();
      const closed = new Promise<void>((r) => res.socket.once('close', () => r()));
      await activeSubscriptions(stack.gatewayUrl, base + 2);
      // Updates until the gateway cuts the slow one (the loopback's socket buffers take megabytes first), bounded.
      let updates = 0;
      while ((await metric(stack.gatewayUrl, 'gateway_subscription_drops_total', 'reason="slow_client"')) === cutBefore) {
        if (updates >= 600) throw new Error(`the slow SSE client was not cut off after ${updates} payloads of ~60 kB`);
        await must(stack.gatewayUrl, 'mutation($id: ID!, $s: String!) { updateMovie(id: $id, input: { synopsis: $s }) { id } }', { id, s: `${updates}`.padEnd(5_000, '.') });
        updates++;
      }
      await activeSubscriptions(stack.gatewayUrl, base + 1, 30_000);
      // Its response was ended: once it reads again, it reaches the end of what the gateway had sent.
      res.resume();
      await closed;
      // One more after the cut: the fast one has every version, in order, each once.
      await must(stack.gatewayUrl, 'mutation($id: ID!) { updateMovie(id: $id, input: { synopsis: "after" }) { id } }', { id });
      // One payload per event, in order; each is the movie's state when answered (docs/subscriptions.md),
      // so under this load one may already show a later version's synopsis, "after" included: never an older one.
      const seen = (await received(fastSub.seen, updates + 1, 30_000)).map((p) => ((p.data as any).movieUpdated.synopsis as string).replace(/\.+$/, ''));
      expect(seen).toHaveLength(updates + 1);
      expect(seen.at(-1)).toBe('after');
      const firstAfter = seen.indexOf('after');
      expect(seen.slice(firstAfter).every((v) => v === 'after')).toBe(true);
      const numbers = seen.slice(0, firstAfter).map(Number);
      expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
      expect(numbers.every((v, i) => v >= i)).toBe(true);
      console.log(`SSE slow client cut off after ${updates} payloads of ~60 kB; the fast one received all ${updates + 1}`);
    } finally {
      // Also when an expectation failed: a subscription left open would be counted by the next test.
      await fastSub.stop();
      fast.dispose();
    }
  });

  it('screeningScheduled matches the city through the graph; bookingUpdated reaches the owner, never another user', async () => {
    const url = stack.gatewayUrl;
    const owner = await person(url, 100);
    const other = await person(url, 0);
    const elsewhere = await venue(url, { capacity: 10, price: 5 });
    const { bookSeats } = (await book(url, owner, elsewhere.screeningId, [1])).data!;
    await until(() => statusOf(url, bookSeats.id), (s) => s === 'CONFIRMED');

    const client = (who: { headers: Record<string, string> }) => wsClient(url, who.headers.authorization);
    const [here, there, mine, theirs] = [client(owner), client(owner), client(owner), client(other)];
    const SCHEDULED = 'subscription($c: ID!) { screeningScheduled(cityId: $c) { isPremiere movie { title } cinema { city { id } } } }';
    const BOOKING = 'subscription($id: ID!) { bookingUpdated(id: $id) { status seats screening { id } } }';
    const subs = [
      collect(here.iterate({ query: SCHEDULED, variables: { c: seed.cityId } })),
      collect(there.iterate({ query: SCHEDULED, variables: { c: elsewhere.cityId } })),
      collect(mine.iterate({ query: BOOKING, variables: { id: bookSeats.id } })),
      collect(theirs.iterate({ query: BOOKING, variables: { id: bookSeats.id } })),
    ];
    await activeSubscriptions(url, 4);
    const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await must(url, 'mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id } }', { i: { cinemaId: seed.cinemaId, movieId: seed.movieId, startsAt: inAMonth, isPremiere: false } });
    expect(await received(subs[0]!.seen, 1)).toEqual([{ data: { screeningScheduled: { isPremiere: false, movie: { title: 'Arrival' }, cinema: { city: { id: seed.cityId } } } } }]);
    expect((await gql(url, CANCEL_BOOKING, { id: bookSeats.id }, owner.headers)).errors).toBeUndefined();
    expect(await received(subs[2]!.seen, 1)).toEqual([{ data: { bookingUpdated: { status: 'CANCELLED', seats: [1], screening: { id: elsewhere.screeningId } } } }]);
    const [refused] = await received(subs[3]!.seen, 1);
    expect(refused!.data).toEqual({ bookingUpdated: null });
    expect(refused!.errors!.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    // Nothing for the other city.
    expect(subs[1]!.seen).toEqual([]);
    await Promise.all(subs.map((x) => x.stop()));
    await Promise.all([here, there, mine, theirs].map((c) => c.dispose()));
  });
});
