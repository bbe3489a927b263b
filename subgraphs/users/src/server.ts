import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { mongoReachable } from '@cinema/mongo';
import { reportDependencies } from '@cinema/serving';
import { createSubgraphServer, type SubgraphServerOptions } from '@cinema/subgraph-runtime';
import type { Resolvers } from './__generated__/resolvers-types';
import { AccountRepository } from './account/repository';
import { accountResolvers } from './account/resolvers';
import { createLoaders, type UsersContext } from './context';
import { UserRepository } from './user/repository';
import { userResolvers } from './user/resolvers';

export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

export type UsersServerOptions = SubgraphServerOptions;

const resolvers = {
  Query: userResolvers.Query,
  Mutation: { ...userResolvers.Mutation, ...accountResolvers.Mutation },
  User: { ...userResolvers.User, ...accountResolvers.User },
} satisfies Resolvers;

/** Builds the users subgraph (not listening yet) over its own database. */
export function createUsersServer({ db, logger, production = false, gatewaySecret, onEvents, metrics, dependencies }: UsersServerOptions) {
  const users = new UserRepository(db, { onEvents });
  const accounts = new AccountRepository(db, { onEvents });
  const server = createSubgraphServer<UsersContext>({
    logger,
    production,
    name: 'users',
    gatewaySecret,
    typeDefs,
    resolvers,
    context: (base) => ({ ...base, users, accounts, loaders: createLoaders(users) }),
    checks: { mongo: mongoReachable(db) },
    readinessReport: dependencies && reportDependencies(dependencies),
    metrics,
  });
  return { ...server, users, accounts, ensureIndexes: () => users.ensureIndexes() };
}
