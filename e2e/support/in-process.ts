import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { graphql, type GraphQLSchema } from 'graphql';
import type { RequestContext } from '@cinema/serving';
import type { Messaging } from '@cinema/messaging';
import type { SubgraphEnv } from '@cinema/subgraph-runtime';
import type { ServiceMetrics } from '@cinema/telemetry';
import { amqpUrlFor, silentLogger, TEST_SIGNING_SECRET, testDatabase, testGatewaySecurity, testNamespace, testUserPrefix, type TestDatabase } from '@cinema/testing';
import { createGatewayServer } from '../../gateway/src/server';
import { createUsersServer } from '../../subgraphs/users/src/server';
import { createUsersMessaging } from '../../subgraphs/users/src/messaging';
import { createMoviesServer } from '../../subgraphs/movies/src/server';
import { createMoviesMessaging } from '../../subgraphs/movies/src/messaging';
import { createCatalogServer } from '../../subgraphs/catalog/src/server';
import { createCatalogMessaging } from '../../subgraphs/catalog/src/messaging';

interface InProcess {
  schema: GraphQLSchema;
  createContext(base: RequestContext): unknown;
}

/**
 * LocalGraphQLDataSource runs a subgraph schema in the gateway's process; this one also gives each
 * operation the subgraph's own fresh context (repositories, DataLoaders), as its HTTP server would.
 */
class InProcessSubgraph extends LocalGraphQLDataSource {
  constructor(private readonly subgraph: InProcess) {
    super(subgraph.schema);
  }
  override async process({ request, context }: GraphQLDataSourceProcessOptions<Partial<RequestContext>>): Promise<GatewayGraphQLResponse> {
    // The gateway's request id, as the HTTP data source forwards it in x-request-id.
    const requestId = context?.requestId ?? 'in-process';
    // And the verified identity, as the signed identity header carries it.
    const contextValue = await this.subgraph.createContext({ requestId, identity: context?.identity ?? null, logger: silentLogger });
    return (await graphql({
      schema: this.schema,
      source: request.query!,
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue,
    })) as GatewayGraphQLResponse;
  }
}

export const committedSupergraph = () => readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8');

/**
 * The real supergraph and the three real subgraphs, each on its own test database, in one process:
 * the gateway calls them in-process; their events still travel through the real RabbitMQ (in a
 * namespace of this test's own).
 */
export async function startInProcessGraph(options: { http?: boolean; bodyLimit?: string; metrics?: ServiceMetrics } = {}) {
  const dbs: Record<'users' | 'movies' | 'catalog', TestDatabase> = {
    users: await testDatabase('ip_users'),
    movies: await testDatabase('ip_movies'),
    catalog: await testDatabase('ip_catalog'),
  };
  const namespace = testNamespace('inprocess');
  const config = (name: keyof typeof dbs): SubgraphEnv => ({
    NODE_ENV: 'test', PORT: 0, HOST: '127.0.0.1', LOG_LEVEL: 'silent', MONGO_URL: process.env.MONGO_URL!,
    MONGO_DB: dbs[name].db.databaseName, AMQP_URL: amqpUrlFor(name), AMQP_USER_PREFIX: testUserPrefix(), AMQP_NAMESPACE: namespace, OUTBOX_SWEEP_MS: 200,
    GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET,
  });
  const messaging: Record<keyof typeof dbs, Messaging> = {
    users: createUsersMessaging(dbs.users.db, silentLogger, config('users')),
    movies: createMoviesMessaging(dbs.movies.db, silentLogger, config('movies')),
    catalog: createCatalogMessaging(dbs.catalog.db, silentLogger, config('catalog')),
  };
  const subgraphs = {
    users: createUsersServer({ db: dbs.users.db, logger: silentLogger, gatewaySecret: TEST_SIGNING_SECRET, onEvents: messaging.users.relay.dispatch }),
    movies: createMoviesServer({ db: dbs.movies.db, logger: silentLogger, gatewaySecret: TEST_SIGNING_SECRET, onEvents: messaging.movies.relay.dispatch }),
    catalog: createCatalogServer({ db: dbs.catalog.db, logger: silentLogger, gatewaySecret: TEST_SIGNING_SECRET, onEvents: messaging.catalog.relay.dispatch }),
  };
  await Promise.all(Object.values(subgraphs).map((s) => s.ensureIndexes()));
  for (const m of Object.values(messaging)) m.start();
  await Promise.all(Object.values(messaging).map((m) => m.ready()));
  // Over real HTTP (signed, as in production), each subgraph counting the requests that reach it;
  // or in-process, where a test counts database commands instead.
  const requests = { users: 0, movies: 0, catalog: 0 };
  const subgraphUrls: Record<string, string> = {};
  if (options.http) {
    for (const [name, server] of Object.entries(subgraphs) as Array<[keyof typeof subgraphs, (typeof subgraphs)[keyof typeof subgraphs]]>) {
      server.httpServer.on('request', () => requests[name]++);
      subgraphUrls[name] = await server.listen(0, '127.0.0.1');
    }
  }
  const gateway = createGatewayServer({
    supergraphSdl: committedSupergraph(),
    logger: silentLogger,
    // The production default (gateway config BODY_LIMIT) when a test asks for it; else express's 1mb.
    bodyLimit: options.bodyLimit,
    metrics: options.metrics,
    ...testGatewaySecurity(),
    ...(options.http
      ? { subgraphUrls }
      : { buildService: ({ name }: { name: string }) => new InProcessSubgraph(subgraphs[name as keyof typeof subgraphs]) }),
  });
  const url = await gateway.listen(0, '127.0.0.1');
  return {
    url,
    dbs,
    namespace,
    subgraphUrls,
    /** Requests that reached any subgraph so far (HTTP mode only). */
    subgraphRequests: () => requests.users + requests.movies + requests.catalog,
    async stop() {
      await gateway.stop();
      if (options.http) await Promise.all(Object.values(subgraphs).map((s) => s.stop()));
      await Promise.all(Object.values(messaging).map((m) => m.stop()));
      await Promise.all(Object.values(dbs).map((d) => d.drop()));
    },
  };
}
