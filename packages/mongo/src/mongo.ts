import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import type { Logger } from 'pino';

export interface MongoHandle {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/**
 * Bounded waits everywhere: after a partition, no operation or monitor check may hang on a silent
 * connection (the driver's socket timeout is otherwise infinite), and recovery is noticed fast.
 */
export const MONGO_CLIENT_OPTIONS = {
  serverSelectionTimeoutMS: 5_000,
  connectTimeoutMS: 10_000,
  socketTimeoutMS: 60_000,
  heartbeatFrequencyMS: 5_000,
} as const satisfies MongoClientOptions;

/**
 * Connects to the service's own database. Works the same on MongoDB and on FerretDB: nothing here
 * relies on sessions, transactions or change streams.
 */
export async function connectMongo(
  url: string,
  dbName: string,
  logger: Logger,
  options: MongoClientOptions = {},
): Promise<MongoHandle> {
  const client = new MongoClient(url, { ...MONGO_CLIENT_OPTIONS, appName: dbName, ...options });
  await client.connect();
  const db = client.db(dbName);
  await db.command({ ping: 1 });
  logger.info({ db: dbName }, 'connected to MongoDB');
  return { client, db, close: () => client.close() };
}

/** True for E11000, the duplicate-key error (a unique index said no). */
export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/** Readiness: the database answers a ping (the probe bounds it; see health.ts). */
export const mongoReachable = (db: Db) => async () => (await db.command({ ping: 1 })).ok === 1;
