import type { ReplicaQueue } from '@cinema/events';

/**
 * Where each consumer queue's read model lives and which source it mirrors: what the resync and
 * consistency tools compare. Databases default to the service names (as `npm start` runs them).
 */
export interface ReadModelPair {
  source: { db: string; collection: string; isDeleted: (doc: any) => boolean };
  replica: { db: string; collection: string; isDeleted: (doc: any) => boolean };
}

export type Databases = Record<'users' | 'movies' | 'catalog', string>;

/** `USERS_MONGO_DB`, `MOVIES_MONGO_DB`, `CATALOG_MONGO_DB`, else the service's name. */
export const databasesFromEnv = (env = process.env): Databases => ({
  users: env.USERS_MONGO_DB || 'users',
  movies: env.MOVIES_MONGO_DB || 'movies',
  catalog: env.CATALOG_MONGO_DB || 'catalog',
});

export const readModels = (dbs: Databases): Record<ReplicaQueue, ReadModelPair> => ({
  'movies:user:replicate': {
    source: { db: dbs.users, collection: 'users', isDeleted: (d) => d.deletedAt != null },
    replica: { db: dbs.movies, collection: 'user_profiles', isDeleted: (d) => d.deleted === true },
  },
  'catalog:movie:replicate': {
    source: { db: dbs.movies, collection: 'movies', isDeleted: (d) => d.deletedAt != null },
    replica: { db: dbs.catalog, collection: 'movies', isDeleted: (d) => d.deleted === true },
  },
});

export const READ_MODELS = readModels(databasesFromEnv());
