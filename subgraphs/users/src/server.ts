import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import type { Db } from 'mongodb';
import { createSubgraphServer, type Logger, type OnEvents } from '@cinema/service-kit';
import { createLoaders, type UsersContext } from './context';
import { UserRepository } from './user/repository';
import { userResolvers } from './user/resolvers';

export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

export interface UsersServerOptions {
  db: Db;
  logger: Logger;
  production?: boolean;
  /** Shared with the gateway, which signs every request with it; unsigned requests are refused. */
  gatewaySecret: string;
  /** Publishes the events a write recorded (the messaging relay); without it they wait for a sweep. */
  onEvents?: OnEvents;
}

/** Builds the users subgraph (not listening yet) over its own database. */
export function createUsersServer({ db, logger, production = false, gatewaySecret, onEvents }: UsersServerOptions) {
  const users = new UserRepository(db, { onEvents });
  const server = createSubgraphServer<UsersContext>({
    logger,
    production,
    gatewaySecret,
    typeDefs,
    resolvers: userResolvers,
    context: (base) => ({ ...base, users, loaders: createLoaders(users) }),
    ready: async () => (await db.command({ ping: 1 })).ok === 1,
  });
  return { ...server, users, ensureIndexes: () => users.ensureIndexes() };
}
