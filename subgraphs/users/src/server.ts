import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { mongoReachable } from '@cinema/mongo';
import { createSubgraphServer, type SubgraphServerOptions } from '@cinema/subgraph-runtime';
import { createLoaders, type UsersContext } from './context';
import { UserRepository } from './user/repository';
import { userResolvers } from './user/resolvers';

export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

export type UsersServerOptions = SubgraphServerOptions;

/** Builds the users subgraph (not listening yet) over its own database. */
export function createUsersServer({ db, logger, production = false, gatewaySecret, onEvents, metrics, readiness }: UsersServerOptions) {
  const users = new UserRepository(db, { onEvents });
  const server = createSubgraphServer<UsersContext>({
    logger,
    production,
    gatewaySecret,
    typeDefs,
    resolvers: userResolvers,
    context: (base) => ({ ...base, users, loaders: createLoaders(users) }),
    checks: { mongo: mongoReachable(db), ...readiness },
    metrics,
  });
  return { ...server, users, ensureIndexes: () => users.ensureIndexes() };
}
