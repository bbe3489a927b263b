import { get } from 'node:http';
import { bearer, hostPort, mintToken, must, TcpProxy } from '@cinema/testing';
import { loginUrl } from '../scripts/lib/broker-users';
import { startTestStack, testBrokerAccess, type TestStack } from './support/test-stack';
import { collect, received, sseClient, wsClient } from './support/live-clients';

jest.setTimeout(180_000);

// Two gateway workers (each its own event queue) whose broker link goes through a TCP proxy, so the
// link can be cut for this gateway alone: the shared RabbitMQ is never touched.
const CHURN_RATE = 20;
let stack: TestStack;
let proxy: TcpProxy;
let movieId: string;

beforeAll(async () => {
  const access = testBrokerAccess();
  proxy = new TcpProxy(hostPort(access.base, 5672));
  const port = await proxy.start();
  const url = new URL(loginUrl(access, 'gateway'));
  url.hostname = '127.0.0.1';
  url.port = String(port);
  // A small churn bound (per client and worker), for the last test; the others stay far below it.
  const gateway = { AMQP_URL: url.toString(), SUBSCRIPTION_SUBSCRIBE_RATE: String(CHURN_RATE), SUBSCRIPTION_SUBSCRIBE_WINDOW_MS: '3000' };
  stack = await startTestStack('subs-link', { gatewayWorkers: 2, serviceEnv: { gateway } });
  movieId = (await must(stack.gatewayUrl, 'mutation { createMovie(input: { title: "Link", durationMinutes: 90 }) { id } }')).createMovie.id;
});
afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
});

const MOVIE_UPDATED = { query: 'subscription($id: ID!) { movieUpdated(id: $id) { title } }', variables: {} as Record<string, unknown> };
const sub = () => ({ ...MOVIE_UPDATED, variables: { id: movieId } });
let n = 0;
const update = () => must(stack.gatewayUrl, 'mutation($id: ID!, $t: String!) { updateMovie(id: $id, input: { title: $t }) { id } }', { id: movieId, t: `Link ${++n}` });

/** Updates the movie until every `seen` has grown past `from` (a subscribe has no ack: the first updates may come before it is live). */
async function updateUntilAll(seens: unknown[][], timeoutMs = 20_000) {
  const from = seens.map((s) => s.length);
  const deadline = Date.now() + timeoutMs;
  while (seens.some((s, i) => s.length <= from[i]!)) {
    if (Date.now() > deadline) throw new Error(`not every subscriber received within ${timeoutMs} ms: ${seens.map((s) => s.length)}`);
    await update();
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A gauge of one worker (summed over its labels), over a new connection each time (the workers take connections in turn). */
const onSomeWorker = (name: string) =>
  new Promise<number>((resolve, reject) =>
    get(stack.gatewayUrl.replace('/graphql', '/metrics'), { agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c)).on('end', () => resolve([...body.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0)));
    }).on('error', reject),
  );
const activeOnSomeWorker = () => onSomeWorker('gateway_subscriptions_active');

describe('subscriptions across gateway workers and broker link losses', () => {
  it('each of two workers delivers to its own subscribers', async () => {
    // Each worker links to the broker on its own after it started serving (queries need no link): until then it refuses subscriptions.
    for (const deadline = Date.now() + 20_000; ; ) {
      if ((await Promise.all(Array.from({ length: 8 }, () => onSomeWorker('gateway_subscriptions_source_up')))).every((v) => v === 1)) break;
      if (Date.now() > deadline) throw new Error('the workers never linked to the broker');
      await new Promise((r) => setTimeout(r, 200));
    }
    // Connections go to whichever worker the kernel wakes: add subscribers until both workers hold some.
    const clients: Array<ReturnType<typeof wsClient>> = [];
    const subs: Array<ReturnType<typeof collect>> = [];
    const bothHold = async () => {
      const counts = await Promise.all(Array.from({ length: 8 }, activeOnSomeWorker));
      return Math.min(...counts) > 0 && Math.max(...counts) < subs.length;
    };
    while (subs.length < 2 || !(await bothHold())) {
      if (subs.length >= 16) throw new Error('16 connections, all on one worker');
      const c = wsClient(stack.gatewayUrl);
      clients.push(c);
      subs.push(collect(c.iterate(sub())));
      await new Promise((r) => setTimeout(r, 200));
    }
    await updateUntilAll(subs.map((s) => s.seen));
    for (const s of subs) expect((s.seen.at(-1) as { data?: { movieUpdated?: { title?: string } } }).data?.movieUpdated?.title).toBe(`Link ${n}`);
    await Promise.all(subs.map((s) => s.stop()));
    await Promise.all(clients.map((c) => c.dispose()));
  });

  it('a lost broker link ends every subscription with SUBSCRIPTION_SOURCE_LOST; once it is back, subscriptions deliver again', async () => {
    const ws = wsClient(stack.gatewayUrl);
    const sse = sseClient(stack.gatewayUrl);
    const live = [collect(ws.iterate(sub())), collect(sse.iterate(sub()))];
    await updateUntilAll(live.map((s) => s.seen));
    proxy.reset();
    for (const s of live) {
      expect(await s.done).toBeUndefined(); // completed, not failed
      expect((s.seen.at(-1) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code).toBe('SUBSCRIPTION_SOURCE_LOST');
    }
    // While it is down, a new subscription is refused with a code that says why.
    const refused = collect(ws.iterate(sub()));
    expect(((await refused.done) as Array<{ extensions?: { code?: string } }>).map((e) => e.extensions?.code)).toEqual(['SUBSCRIPTION_SOURCE_UNAVAILABLE']);
    proxy.pass();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const again = collect(ws.iterate(sub()));
      const outcome = await Promise.race([again.done, new Promise((r) => setTimeout(() => r('live'), 500))]);
      if (outcome === 'live') {
        await updateUntilAll([again.seen]);
        expect((again.seen.at(-1) as { data?: { movieUpdated?: { title?: string } } }).data?.movieUpdated?.title).toMatch(/^Link \d+$/);
        await again.stop();
        break;
      }
      if (Date.now() > deadline) throw new Error(`no subscription after the link came back: ${JSON.stringify(outcome)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await ws.dispose();
    sse.dispose();
  });

  it('bounds subscribe/complete churn per client: beyond the rate, SUBSCRIBE_RATE_LIMITED with when to retry; other clients unaffected', async () => {
    const churner = wsClient(stack.gatewayUrl, bearer(await mintToken({ sub: 'churner' })).authorization);
    // Each subscription ended right after it was sent: the held limit never sees more than one.
    for (let i = 0; i < CHURN_RATE; i++) {
      const c = collect(churner.iterate(sub()));
      await new Promise((r) => setTimeout(r, 50));
      await c.stop();
      expect(await c.done).toBeUndefined();
    }
    const refused = collect(churner.iterate(sub()));
    const errors = (await refused.done) as Array<{ message: string; extensions?: { code?: string; retryAfterMs?: number } }>;
    expect(errors.map((e) => e.extensions?.code)).toEqual(['SUBSCRIBE_RATE_LIMITED']);
    expect(errors[0]!.extensions!.retryAfterMs).toBeGreaterThan(0);
    expect(errors[0]!.extensions!.retryAfterMs).toBeLessThanOrEqual(3000);
    // Another client (anonymous: its own address) subscribes and receives meanwhile.
    const other = wsClient(stack.gatewayUrl);
    const live = collect(other.iterate(sub()));
    await updateUntilAll([live.seen]);
    // Once the window has passed, the churner may subscribe again.
    await new Promise((r) => setTimeout(r, errors[0]!.extensions!.retryAfterMs! + 100));
    const again = collect(churner.iterate(sub()));
    await updateUntilAll([again.seen]);
    expect((again.seen.at(-1) as { data?: { movieUpdated?: { title?: string } } }).data?.movieUpdated?.title).toBe(`Link ${n}`);
    await Promise.all([live.stop(), again.stop()]);
    await Promise.all([churner.dispose(), other.dispose()]);
  });
});
