import type { ConsumerQueue } from '@cinema/events';

/**
 * Where each consumer queue's read model lives and which source it mirrors: what the resync and
 * consistency tools compare. Databases default to the service names (as `npm start` runs them).
 */
export interface ReadModelPair {
  source: { db: string; collection: string; isDeleted: (doc: any) => boolean };
  replica: { db: string; collection: string; isDeleted: (doc: any) => boolean };
}

const db = (service: string) => process.env[`${service.toUpperCase()}_MONGO_DB`] ?? service;

export const READ_MODELS: Record<ConsumerQueue, ReadModelPair> = {
  'movies:user:replicate': {
    source: { db: db('users'), collection: 'users', isDeleted: (d) => d.deletedAt != null },
    replica: { db: db('movies'), collection: 'user_profiles', isDeleted: (d) => d.deleted === true },
  },
  'catalog:movie:replicate': {
    source: { db: db('movies'), collection: 'movies', isDeleted: (d) => d.deletedAt != null },
    replica: { db: db('catalog'), collection: 'movies', isDeleted: (d) => d.deleted === true },
  },
};
