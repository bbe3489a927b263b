import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { mongoReachable } from '@cinema/mongo';
import { reportDependencies } from '@cinema/serving';
import { createSubgraphServer, type SubgraphServerOptions } from '@cinema/subgraph-runtime';
import type { Resolvers } from './__generated__/resolvers-types';
import { createLoaders, type MoviesContext } from './context';
import { MovieRepository } from './movie/repository';
import { movieResolvers } from './movie/resolvers';
import { UserProfiles } from './projections/user-profiles';
import { ReviewRepository } from './review/repository';
import { reviewResolvers } from './review/resolvers';

export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

// The review module contributes fields to Movie and User, so both maps share type names.
const resolvers = {
  Query: { ...movieResolvers.Query, ...reviewResolvers.Query },
  Mutation: { ...movieResolvers.Mutation, ...reviewResolvers.Mutation },
  Movie: { ...movieResolvers.Movie, ...reviewResolvers.Movie },
  Review: reviewResolvers.Review,
  User: reviewResolvers.User,
} satisfies Resolvers;

export type MoviesServerOptions = SubgraphServerOptions;

/** Builds the movies subgraph (not listening yet) over its own database. */
export function createMoviesServer({ db, logger, production = false, gatewaySecret, onEvents, metrics, dependencies }: MoviesServerOptions) {
  const movies = new MovieRepository(db, { onEvents });
  const reviews = new ReviewRepository(db, { onEvents });
  // Read only: the messaging consumer is the one writer of the replica.
  const profiles = new UserProfiles(db);
  const server = createSubgraphServer<MoviesContext>({
    logger,
    production,
    name: 'movies',
    gatewaySecret,
    typeDefs,
    resolvers,
    context: (base) => ({ ...base, movies, reviews, profiles, loaders: createLoaders(movies, reviews, profiles) }),
    checks: { mongo: mongoReachable(db) },
    readinessReport: dependencies && reportDependencies(dependencies),
    metrics,
  });
  const ensureIndexes = async () => {
    await movies.ensureIndexes();
    await reviews.ensureIndexes();
  };
  return { ...server, movies, reviews, profiles, ensureIndexes };
}
