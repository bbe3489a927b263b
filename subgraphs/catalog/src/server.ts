import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import type { Db } from 'mongodb';
import { createSubgraphServer, mongoReachable, type Logger, type OnEvents, type ReadinessCheck, type ServiceMetrics } from '@cinema/service-kit';
import { CinemaRepository } from './cinema/repository';
import { cinemaResolvers } from './cinema/resolvers';
import { CityRepository } from './city/repository';
import { cityResolvers } from './city/resolvers';
import { createLoaders, type CatalogContext } from './context';
import { movieResolvers } from './movie/resolvers';
import { MovieReplica } from './projections/movies';
import { ScreeningRepository } from './screening/repository';
import { screeningResolvers } from './screening/resolvers';

export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

const resolvers = {
  Query: { ...cityResolvers.Query, ...cinemaResolvers.Query },
  Mutation: { ...cityResolvers.Mutation, ...cinemaResolvers.Mutation, ...screeningResolvers.Mutation },
  City: cityResolvers.City,
  Cinema: cinemaResolvers.Cinema,
  Screening: screeningResolvers.Screening,
  Movie: movieResolvers.Movie,
};

export interface CatalogServerOptions {
  db: Db;
  logger: Logger;
  production?: boolean;
  /** Shared with the gateway, which signs every request with it; unsigned requests are refused. */
  gatewaySecret: string;
  /** The clock for timestamps and for what counts as "upcoming"; tests pin it. */
  now?: () => Date;
  /** Publishes the events a write recorded (the messaging relay); without it they wait for a sweep. */
  onEvents?: OnEvents;
  /** The process's metrics registry (GET /metrics); none in most tests. */
  metrics?: ServiceMetrics;
  /** Readiness checks besides MongoDB's, e.g. `rabbitmq` (index.ts wires the messaging's). */
  readiness?: Record<string, ReadinessCheck>;
}

/** Builds the catalog subgraph (not listening yet) over its own database. */
export function createCatalogServer({ db, logger, production = false, gatewaySecret, now = () => new Date(), onEvents, metrics, readiness }: CatalogServerOptions) {
  const cities = new CityRepository(db, { now });
  const cinemas = new CinemaRepository(db, { now });
  const screenings = new ScreeningRepository(db, { now, onEvents });
  // Read only: the replica is written by the messaging consumer (createCatalogMessaging).
  const movies = new MovieReplica(db);
  const repositories = { cities, cinemas, screenings, movies };
  const server = createSubgraphServer<CatalogContext>({
    logger,
    production,
    gatewaySecret,
    typeDefs,
    resolvers,
    context: (base) => ({ ...base, ...repositories, loaders: createLoaders(repositories, now()) }),
    checks: { mongo: mongoReachable(db), ...readiness },
    metrics,
  });
  const ensureIndexes = async () => {
    await Promise.all([cities.ensureIndexes(), cinemas.ensureIndexes(), screenings.ensureIndexes()]);
  };
  return { ...server, cities, cinemas, screenings, movies, ensureIndexes };
}
