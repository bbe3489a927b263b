import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { mongoReachable } from '@cinema/mongo';
import { createSubgraphServer, type SubgraphServerOptions } from '@cinema/subgraph-runtime';
import type { Resolvers } from './__generated__/resolvers-types';
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
} satisfies Resolvers;

export interface CatalogServerOptions extends SubgraphServerOptions {
  /** The clock for timestamps and for what counts as "upcoming"; tests pin it. */
  now?: () => Date;
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
