import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TcpProxy, must } from '@cinema/testing';
import { loginUrl } from '../scripts/lib/broker-users';
import { compare } from '../scripts/lib/convergence';
import { READ_MODELS } from '../scripts/lib/read-models';
import { startTestStack, testBrokerAccess, type TestStack } from './support/test-stack';
import { seedCinemaGraph } from './support/scenario';

jest.setTimeout(120_000);

// Replication end to end: real processes, real HTTP, real RabbitMQ (users reaches it through a
// proxy this test can cut), real MongoDB-wire server. Every assertion is made through the gateway.
let stack: TestStack;
let proxy: TcpProxy;
let seed: Awaited<ReturnType<typeof seedCinemaGraph>>;

beforeAll(async () => {
  // users logs in as its own broker user, through the proxy.
  const amqp = new URL(loginUrl(testBrokerAccess(), 'users'));
  proxy = new TcpProxy({ host: amqp.hostname, port: Number(amqp.port || 5672) });
  const proxied = new URL(amqp);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(await proxy.start());
  stack = await startTestStack('events', { env: { OUTBOX_SWEEP_MS: '200' }, serviceEnv: { users: { AMQP_URL: proxied.toString() } } });
  seed = await seedCinemaGraph(stack.gatewayUrl);
});
afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
});

/** Polls a query through the gateway until `accept` holds; fails after `timeoutMs`. */
async function until<T>(query: string, variables: Record<string, unknown>, accept: (data: any) => T | undefined, timeoutMs = 2_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = await must(stack.gatewayUrl, query, variables);
    const hit = accept(last);
    if (hit !== undefined && hit !== false) return hit;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms; last answer: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const REVIEW_AUTHORS = 'query($id: ID!) { movie(id: $id) { reviews { authorName author { id } } } }';
const authorNameOf = (userId: string) => (d: any) => d.movie.reviews.find((r: any) => r.author.id === userId)?.authorName;
const PREMIERES = 'query($c: ID!) { catalog(cityId: $c) { premieres { id movieTitle } } }';

describe('events keep the replicas current', () => {
  it('updateUserProfile → the review’s authorName follows within 2 s', async () => {
    await must(stack.gatewayUrl, 'mutation($id: ID!) { updateUserProfile(id: $id, input: { fullName: "Ann Lee-Park" }) { id } }', { id: seed.ann });
    const name = await until(REVIEW_AUTHORS, { id: seed.movieId }, (d) => (authorNameOf(seed.ann)(d) === 'Ann Lee-Park' ? 'ok' : undefined));
    expect(name).toBe('ok');
  });

  it('updateMovie → catalog(cityId) premieres carry the new title within 2 s', async () => {
    await must(stack.gatewayUrl, 'mutation($id: ID!) { updateMovie(id: $id, input: { title: "Arrival (Director’s Cut)" }) { id } }', { id: seed.movieId });
    const titles = await until(PREMIERES, { c: seed.cityId }, (d) => {
      const t = d.catalog.flatMap((c: any) => c.premieres.map((p: any) => p.movieTitle));
      return t.length === 1 && t[0] === 'Arrival (Director’s Cut)' ? t : undefined;
    });
    expect(titles).toEqual(['Arrival (Director’s Cut)']);
  });

  it('survives RabbitMQ going away during a mutation: the mutation succeeds, its event arrives when the broker is back', async () => {
    proxy.reset();
    const res = await must(stack.gatewayUrl, 'mutation($id: ID!) { updateUserProfile(id: $id, input: { fullName: "Ann Offline" }) { fullName } }', { id: seed.ann });
    expect(res.updateUserProfile.fullName).toBe('Ann Offline');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(authorNameOf(seed.ann)(await must(stack.gatewayUrl, REVIEW_AUTHORS, { id: seed.movieId }))).toBe('Ann Lee-Park');
    proxy.pass();
    expect(await until(REVIEW_AUTHORS, { id: seed.movieId }, (d) => authorNameOf(seed.ann)(d) === 'Ann Offline' || undefined, 20_000)).toBe(true);
  });

  it('deleteMovie → its upcoming screenings are cancelled and disappear from the catalog', async () => {
    await must(stack.gatewayUrl, 'mutation($id: ID!) { deleteMovie(id: $id) }', { id: seed.movieId });
    await until(PREMIERES, { c: seed.cityId }, (d) => d.catalog.every((c: any) => c.premieres.length === 0) || undefined);
    const { city } = await must(stack.gatewayUrl, 'query($c: ID!) { city(id: $c) { cinemas { screenings { id } } } }', { c: seed.cityId });
    expect(city.cinemas.flatMap((c: any) => c.screenings)).toEqual([]);
  });

  it('npm run resync rebuilds a read model from scratch and checks it equals the source', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'scripts', 'resync.ts'), 'movies:user:replicate', '--from-scratch'], {
      // As this run's operator: the owner serves only a queue's consumer or an operator.
      env: { ...process.env, OPERATOR_AMQP_URL: loginUrl(testBrokerAccess(), 'operator'), AMQP_NAMESPACE: stack.namespace, USERS_MONGO_DB: stack.databases.users, MOVIES_MONGO_DB: stack.databases.movies },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect({ code, out }).toMatchObject({ code: 0 });
    expect(out).toMatch(/cleared .*user_profiles \(2 documents\)/);
    expect(out).toMatch(/users → movies:user:replicate: 2\/2 published \(100%\), done/);
    expect(out).toMatch(/✓ .*user_profiles equals .*users \(2 entities\)/);
  });

  it('ends with every read model equal to its source', async () => {
    for (const [queue, pair] of Object.entries(READ_MODELS)) {
      const named = {
        source: { ...pair.source, db: stack.databases[pair.source.db as keyof TestStack['databases']] },
        replica: { ...pair.replica, db: stack.databases[pair.replica.db as keyof TestStack['databases']] },
      };
      const result = await compare(stack.mongo, named);
      expect({ queue, differences: result.differences }).toEqual({ queue, differences: [] });
      expect(result.entities).toBeGreaterThan(0);
    }
  });
});
