import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { parseEvent, type DomainEvent } from '@cinema/events';
import { startTracing, tracer, type Tracing } from '@cinema/telemetry';
import { buildTopology, createBroker, envelopeOf, outboxEntry, type Messaging } from '@cinema/messaging';
import type { SubgraphEnv } from '@cinema/subgraph-runtime';
import { amqpUrlFor, eventually, gql, silentLogger, testDatabase, testNamespace, type TestDatabase, TEST_SIGNING_SECRET, testGatewaySecurity, testUserPrefix } from '@cinema/testing';
import { createGatewayServer } from '../gateway/src/server';
import { createMoviesMessaging } from '../subgraphs/movies/src/messaging';
import { createMoviesServer } from '../subgraphs/movies/src/server';
import { createUsersMessaging } from '../subgraphs/users/src/messaging';
import { createUsersServer } from '../subgraphs/users/src/server';
import { committedSupergraph } from './support/in-process';

/**
 * The gateway, users and movies in this process but over real HTTP on 127.0.0.1, with the real
 * RabbitMQ and FerretDB, and the OpenTelemetry SDK exporting to memory: one mutation and its
 * replication must be ONE trace, from the gateway's request to movies' projection write.
 */
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
const dbs: TestDatabase[] = [];
const stops: Array<() => Promise<unknown>> = [];
let gatewayUrl: string;

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'in-process', exporter, logger: silentLogger });
  const [users, movies] = [await testDatabase('trace_users'), await testDatabase('trace_movies')];
  dbs.push(users, movies);
  // A replica that is not empty asks for no resync at start: otherwise users' answer (a snapshot of
  // every user, in another trace) could carry the test's user to movies before its event does.
  await movies.db.collection('user_profiles').insertOne({ _id: 'someone-earlier', fullName: 'Earlier User', version: 1 } as never);
  const namespace = testNamespace('trace');
  const config = (db: TestDatabase, service: string): SubgraphEnv => ({
    NODE_ENV: 'test', PORT: 0, HOST: '127.0.0.1', LOG_LEVEL: 'silent', MONGO_URL: process.env.MONGO_URL!,
    MONGO_DB: db.db.databaseName, AMQP_URL: amqpUrlFor(service), AMQP_USER_PREFIX: testUserPrefix(), AMQP_NAMESPACE: namespace, OUTBOX_SWEEP_MS: 200,
    GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET,
  });
  const messaging: Messaging[] = [createUsersMessaging(users.db, silentLogger, config(users, 'users')), createMoviesMessaging(movies.db, silentLogger, config(movies, 'movies'))];
  const usersServer = createUsersServer({ db: users.db, logger: silentLogger, gatewaySecret: TEST_SIGNING_SECRET, onEvents: messaging[0]!.relay.dispatch });
  const moviesServer = createMoviesServer({ db: movies.db, logger: silentLogger, gatewaySecret: TEST_SIGNING_SECRET, onEvents: messaging[1]!.relay.dispatch });
  const urls = { users: await usersServer.listen(0, '127.0.0.1'), movies: await moviesServer.listen(0, '127.0.0.1') };
  // users settles bookings from catalog's events: catalog's exchanges must exist (it only checks them).
  const catalogOwner = await createBroker(buildTopology({ url: amqpUrlFor('catalog'), namespace, owns: 'catalog' }), silentLogger);
  stops.push(() => catalogOwner.nuke());
  for (const m of messaging) m.start();
  await Promise.all(messaging.map((m) => m.ready()));
  const gateway = createGatewayServer({
    supergraphSdl: committedSupergraph(),
    logger: silentLogger,
    ...testGatewaySecurity(),
    // catalog is not needed by a createUser mutation; nothing listens there.
    subgraphUrls: { ...urls, catalog: 'http://127.0.0.1:9/graphql' },
  });
  gatewayUrl = await gateway.listen(0, '127.0.0.1');
  stops.push(() => gateway.stop(), () => usersServer.stop(), () => moviesServer.stop(), ...messaging.map((m) => () => m.stop()));
});

afterAll(async () => {
  for (const stop of stops) await stop();
  await Promise.all(dbs.map((d) => d.drop()));
  await tracing.shutdown();
});

/** The span and its ancestors, root first. */
function chainTo(span: ReadableSpan, spans: ReadableSpan[]): ReadableSpan[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const chain = [span];
  for (let s = span; s.parentSpanContext; ) {
    const parent = byId.get(s.parentSpanContext.spanId);
    if (!parent) break;
    chain.unshift(parent);
    s = parent;
  }
  return chain;
}

describe('tracing across the gateway, a subgraph, RabbitMQ and a consumer', () => {
  it('shows a mutation and its projection in movies as one trace with correct parent links', async () => {
    const res = await gql<{ createUser: { id: string } }>(
      gatewayUrl,
      'mutation CreateUser($i: CreateUserInput!) { createUser(input: $i) { id } }',
      { i: { email: `trace-${Date.now()}@example.com`, fullName: 'Tracy Span' } },
    );
    const id = res.data!.createUser.id;
    // The mutation's own trace (a resync snapshot would carry the user in another one).
    const mutation = await eventually(() => exporter.getFinishedSpans().find((s) => s.name === 'gateway.request' && s.attributes.operationName === 'CreateUser'));
    expect(mutation).toBeDefined();
    const apply = await eventually(
      () =>
        exporter.getFinishedSpans().find(
          (s) => s.name === 'projection.apply' && s.attributes['cinema.aggregate.id'] === id && s.spanContext().traceId === mutation!.spanContext().traceId,
        ),
      10_000,
    );
    expect(apply).toBeDefined();
    // Spans reach the exporter when they end, not in causal order: the consume span ends after the
    // write it wraps (and the ack), and under load the publish span (ended by the broker's confirm)
    // can end after the consumer's. Wait until the chain reaches a root.
    await eventually(() => chainTo(apply!, exporter.getFinishedSpans())[0]!.parentSpanContext === undefined, 5_000);
    const spans = exporter.getFinishedSpans();
    const chain = chainTo(apply!, spans);

    expect(chain.map((s) => s.name)).toEqual([
      'POST /graphql', // the gateway's request
      'gateway.request', // Apollo gateway's own spans
      'gateway.execute',
      'gateway.fetch',
      'subgraph.fetch', // our client span; its traceparent went out in the HTTP headers
      'POST /graphql', // the users subgraph's request, continuing the trace
      'event.publish', // the relay, parented by the context saved in the outbox entry
      'event.consume', // movies' consumer, parented by the AMQP message headers
      'projection.apply', // the version-guarded write into user_profiles
    ]);
    expect(new Set(chain.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(chain[0]!.parentSpanContext).toBeUndefined();
    expect(chain[4]!.attributes['graphql.subgraph.name']).toBe('users');
    expect(chain[5]!.attributes['graphql.operation.type']).toBe('mutation');
    expect(chain[6]!.attributes).toMatchObject({ 'cinema.event.type': 'user.created', 'messaging.destination.name': 'users' });
    expect(chain[7]!.attributes).toMatchObject({ 'messaging.destination.name': 'movies:user:replicate', 'cinema.consume.outcome': 'applied' });
    expect(chain[8]!.attributes).toMatchObject({ 'db.collection.name': 'user_profiles', 'cinema.projection.outcome': 'applied' });
  });

  it('saves the trace context beside the event in the outbox entry, and publishes the envelope alone', async () => {
    const event = userCreated();
    const entry = await tracer.startActiveSpan('test', async (span) => {
      span.end();
      return outboxEntry(event);
    });
    expect(entry.traceContext?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(envelopeOf(entry)).toEqual(event);
    expect(parseEvent(envelopeOf(entry)).ok).toBe(true);
    // The relay removed the confirmed entries although they carry more than the envelope (in batches,
    // up to 50 ms after their confirms).
    expect(await eventually(async () => (await dbs[0]!.db.collection('users').countDocuments({ outboxPending: true })) === 0)).toBe(true);
  });
});

const userCreated = (): DomainEvent => ({
  eventId: randomUUID(), type: 'user.created', schemaVersion: 2, source: 'users', aggregateType: 'user',
  aggregateId: '0123456789abcdef01234567', aggregateVersion: 1, occurredAt: new Date().toISOString(),
  correlationId: 'test', causationId: null, data: { id: '0123456789abcdef01234567', fullName: 'A B' },
});
