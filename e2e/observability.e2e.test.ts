import http from 'node:http';
import { eventually, gql, asGateway } from '@cinema/testing';
import { scrape, sample } from './support/prometheus';
import { startTestStack, type TestStack } from './support/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('obs');
}, 120_000);
afterAll(() => stack.stop());

/**
 * POSTs a GraphQL operation in two halves, calling `between` after the first: the request is in
 * flight (headers and half the body received) while `between` runs.
 */
function splitRequest(url: string, query: string, between: () => void, signFor?: string): Promise<{ status: number; body: any }> {
  const text = JSON.stringify({ query });
  const body = Buffer.from(text);
  // Straight to a subgraph: signed as the gateway would (anonymous: createUser is public).
  const signature = signFor ? asGateway(signFor, null)(text) : {};
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length, ...signature } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.write(body.subarray(0, 10));
    setTimeout(() => {
      between();
      setTimeout(() => req.end(body.subarray(10)), 500);
    }, 200);
  });
}

describe('metrics over real processes', () => {
  it('move when a mutation flows through the gateway, users, RabbitMQ and movies', async () => {
    const [gw0, users0, movies0] = await Promise.all([scrape(stack.urls.gateway), scrape(stack.urls.users), scrape(stack.urls.movies)]);
    const res = await gql(stack.gatewayUrl, 'mutation CreateUser($i: CreateUserInput!) { createUser(input: $i) { id } }', {
      i: { email: `metrics-${Date.now()}@example.com`, fullName: 'Metric Mia' },
    });
    expect(res.errors).toBeUndefined();
    const consumed = { queue: 'movies:user:replicate', type: 'user.created', outcome: 'applied' };
    const movies1 = await eventually(async () => {
      const text = await scrape(stack.urls.movies);
      return (sample(text, 'events_consumed_total', consumed) ?? 0) > (sample(movies0, 'events_consumed_total', consumed) ?? 0) ? text : undefined;
    }, 10_000);
    expect(movies1).toBeDefined();
    const [gw1, users1] = await Promise.all([scrape(stack.urls.gateway), scrape(stack.urls.users)]);
    const moved = (before: string, after: string, name: string, labels: Record<string, string>) =>
      (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);

    // gateway: the operation by name and outcome, and its fetch to users
    expect(moved(gw0, gw1, 'graphql_requests_total', { service: 'gateway', operation: 'CreateUser', outcome: 'ok' })).toBe(1);
    expect(moved(gw0, gw1, 'graphql_request_duration_seconds_count', { operation: 'CreateUser', outcome: 'ok' })).toBe(1);
    expect(moved(gw0, gw1, 'gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'users', outcome: 'ok' })).toBe(1);
    // users: the event confirmed by the broker, timed; its outbox backlog is exposed
    expect(moved(users0, users1, 'events_published_total', { service: 'users', type: 'user.created' })).toBe(1);
    expect(moved(users0, users1, 'event_publish_duration_seconds_count', { type: 'user.created' })).toBe(1);
    // The relay removes confirmed entries in batches, up to 50 ms after the confirm: the backlog empties.
    const emptied = await eventually(async () => sample(await scrape(stack.urls.users), 'outbox_backlog_documents', { collection: 'users' }) === 0, 5_000);
    expect(emptied).toBe(true);
    // movies: consumed and timed, and the read model's lag is exposed
    expect(moved(movies0, movies1!, 'event_handling_duration_seconds_count', { queue: 'movies:user:replicate', type: 'user.created' })).toBe(1);
    expect(sample(movies1!, 'read_model_lag_seconds', { queue: 'movies:user:replicate' })).toBeGreaterThanOrEqual(0);
    // default process metrics, labelled with the service
    expect(sample(movies1!, 'process_cpu_user_seconds_total', { service: 'movies' })).toBeGreaterThan(0);
  });

  it('counts unnamed operations as `anonymous`', async () => {
    await gql(stack.gatewayUrl, '{ users(first: 1) { id } }');
    const text = await scrape(stack.urls.gateway);
    expect(sample(text, 'graphql_requests_total', { operation: 'anonymous' })).toBeGreaterThanOrEqual(1);
  });
});

describe('graceful shutdown of real processes', () => {
  it('lets the gateway finish a request in flight when SIGTERM arrives, then exit 0', async () => {
    let exited: Promise<void> | undefined;
    const res = await splitRequest(stack.urls.gateway, '{ users(first: 1) { id } }', () => {
      exited = stack.kill('gateway', 'SIGTERM');
    });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    await exited;
    expect(stack.processes.get('gateway')!.exitCode).toBe(0);
  });

  it('lets a subgraph finish a mutation in flight, publish its event, and exit 0', async () => {
    let exited: Promise<void> | undefined;
    const email = `shutdown-${Date.now()}@example.com`;
    const res = await splitRequest(stack.urls.users, `mutation { createUser(input: { email: "${email}", fullName: "Last One" }) { id } }`, () => {
      exited = stack.kill('users', 'SIGTERM');
    }, 'users');
    expect(res.status).toBe(200);
    expect(res.body.data.createUser.id).toMatch(/^[0-9a-f]{24}$/);
    await exited;
    expect(stack.processes.get('users')!.exitCode).toBe(0);
    // The relay finished before the process exited: the event left the outbox, confirmed.
    const doc = await stack.mongo.db(stack.databases.users).collection('users').findOne({ email });
    expect(doc?.outbox ?? []).toEqual([]);
  });
});
