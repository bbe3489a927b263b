import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { mongoReachable } from '@cinema/mongo';
import { reportDependencies } from '@cinema/serving';
import { createSubgraphServer, type SubgraphServerOptions } from '@cinema/subgraph-runtime';
import { bookingResolvers } from './booking/resolvers';
import { bookingSaga, DEFAULT_BOOKING_TIMEOUT_MS } from './booking/saga';
import { BookingSweeper } from './booking/sweeper';
import { userResolvers } from './booking/user-bookings';
import type { Resolvers } from './__generated__/resolvers-types';
import { CinemaRepository } from './cinema/repository';
import { cinemaResolvers } from './cinema/resolvers';
import { CityRepository } from './city/repository';
import { cityResolvers } from './city/resolvers';
import { createLoaders, type CatalogContext } from './context';
import { movieResolvers } from './movie/resolvers';
import { MovieReplica } from './projections/movies';
import { screeningResolvers } from './screening/resolvers';

export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

const resolvers = {
  Query: { ...cityResolvers.Query, ...cinemaResolvers.Query, ...bookingResolvers.Query, ...screeningResolvers.Query },
  Mutation: { ...cityResolvers.Mutation, ...cinemaResolvers.Mutation, ...screeningResolvers.Mutation, ...bookingResolvers.Mutation },
  City: cityResolvers.City,
  Cinema: cinemaResolvers.Cinema,
  Screening: screeningResolvers.Screening,
  Movie: movieResolvers.Movie,
  Booking: bookingResolvers.Booking,
  User: userResolvers.User,
} satisfies Resolvers;

export interface CatalogServerOptions extends SubgraphServerOptions {
  /** The clock for timestamps and for what counts as "upcoming"; tests pin it. */
  now?: () => Date;
  /** BOOKING_TIMEOUT_MS: how long a booking may stay PENDING before the sweeper expires it. */
  bookingTimeoutMs?: number;
}

/** Builds the catalog subgraph (not listening yet) over its own database. */
export function createCatalogServer(options: CatalogServerOptions) {
  const { db, logger, production = false, gatewaySecret, now = () => new Date(), onEvents, metrics, dependencies } = options;
  const bookingTimeoutMs = options.bookingTimeoutMs ?? DEFAULT_BOOKING_TIMEOUT_MS;
  const cities = new CityRepository(db, { now });
  const cinemas = new CinemaRepository(db, { now });
  const saga = bookingSaga(db, { now, onEvents });
  const { screenings, bookings } = saga;
  // Read only: the replica is written by the messaging consumer (createCatalogMessaging).
  const movies = new MovieReplica(db);
  const repositories = { cities, cinemas, screenings, movies, bookings };
  const server = createSubgraphServer<CatalogContext>({
    logger,
    production,
    name: 'catalog',
    gatewaySecret,
    typeDefs,
    resolvers,
    context: (base) => ({ ...base, ...repositories, saga, bookingTimeoutMs, loaders: createLoaders(repositories, now()) }),
    checks: { mongo: mongoReachable(db) },
    readinessReport: dependencies && reportDependencies(dependencies),
    metrics,
  });
  const ensureIndexes = async () => {
    // The screenings' indexes one after the other: FerretDB 1.24 has crashed on concurrent ones.
    const screeningIndexes = async () => (await screenings.ensureIndexes(), await saga.holds.ensureIndexes());
    await Promise.all([cities.ensureIndexes(), cinemas.ensureIndexes(), screeningIndexes(), bookings.ensureIndexes()]);
  };
  // Not started here: index.ts runs it beside the server; tests call sweep() when they want one.
  const sweeper = new BookingSweeper(saga, { timeoutMs: bookingTimeoutMs, logger });
  return { ...server, cities, cinemas, screenings, movies, bookings, saga, sweeper, ensureIndexes };
}
