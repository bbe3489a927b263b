import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import type { Db } from 'mongodb';
import { createSubgraphServer, mongoReachable, type Logger, type OnEvents, type ReadinessCheck, type ServiceMetrics } from '@cinema/service-kit';
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
  /** The process's metrics registry (GET /metrics); none in most tests. */
  metrics?: ServiceMetrics;
  /** Readiness checks besides MongoDB's, e.g. `rabbitmq` (index.ts wires the messaging's). */
  readiness?: Record<string, ReadinessCheck>;
}

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
