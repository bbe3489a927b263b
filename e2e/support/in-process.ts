import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { graphql, type GraphQLSchema } from 'graphql';
import type { RequestContext } from '@cinema/service-kit';
import { silentLogger, testDatabase, type TestDatabase } from '@cinema/testing';
import { createGatewayServer } from '../../gateway/src/server';
import { createUsersServer } from '../../subgraphs/users/src/server';
import { createMoviesServer } from '../../subgraphs/movies/src/server';
import { createCatalogServer } from '../../subgraphs/catalog/src/server';

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
  override async process({ request }: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const contextValue = await this.subgraph.createContext({ requestId: 'in-process', logger: silentLogger });
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

/** The real supergraph and the three real subgraphs, each on its own test database, in one process. */
export async function startInProcessGraph() {
  const dbs: Record<'users' | 'movies' | 'catalog', TestDatabase> = {
    users: await testDatabase('ip_users'),
    movies: await testDatabase('ip_movies'),
    catalog: await testDatabase('ip_catalog'),
  };
  const subgraphs = {
    users: createUsersServer({ db: dbs.users.db, logger: silentLogger }),
    movies: createMoviesServer({ db: dbs.movies.db, logger: silentLogger }),
    catalog: createCatalogServer({ db: dbs.catalog.db, logger: silentLogger }),
  };
  await Promise.all(Object.values(subgraphs).map((s) => s.ensureIndexes()));
  const gateway = createGatewayServer({
    supergraphSdl: committedSupergraph(),
    logger: silentLogger,
    buildService: ({ name }) => new InProcessSubgraph(subgraphs[name as keyof typeof subgraphs]),
  });
  const url = await gateway.listen(0, '127.0.0.1');
  return {
    url,
    dbs,
    async stop() {
      await gateway.stop();
      await Promise.all(Object.values(dbs).map((d) => d.drop()));
    },
  };
}
