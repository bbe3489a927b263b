import type { Db } from 'mongodb';
import { z } from 'zod';
import { env, loadConfig } from './config';
import { createLogger, type Logger } from './logger';
import { connectMongo } from './mongo';
import { onShutdown } from './shutdown';

/** The environment every subgraph reads; a service adds its own keys with `.extend()`. */
export const subgraphEnv = (name: string, port: number) =>
  z.object({
    NODE_ENV: env.nodeEnv(),
    PORT: env.port(port),
    HOST: env.host(),
    MONGO_URL: env.mongoUrl(),
    MONGO_DB: env.dbName(name),
    LOG_LEVEL: env.logLevel(),
  });
export type SubgraphEnv = z.infer<ReturnType<typeof subgraphEnv>>;

export interface RunnableSubgraph {
  ensureIndexes(): Promise<void>;
  listen(port: number, host: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A subgraph process: validated config → logger → its own database → indexes → listen, and on
 * SIGTERM/SIGINT the reverse. Exits with a one-line reason when it cannot start.
 */
export function runSubgraph<S extends ReturnType<typeof subgraphEnv>>(
  name: string,
  schema: S,
  create: (deps: { db: Db; logger: Logger; config: z.infer<S>; production: boolean }) => RunnableSubgraph,
): void {
  const main = async () => {
    const config = loadConfig(schema);
    const logger = createLogger(name, config.LOG_LEVEL);
    const mongo = await connectMongo(config.MONGO_URL, config.MONGO_DB, logger);
    const server = create({ db: mongo.db, logger, config, production: config.NODE_ENV === 'production' });
    await server.ensureIndexes();
    await server.listen(config.PORT, config.HOST);
    onShutdown(logger, [() => server.stop(), () => mongo.close()]);
  };
  main().catch((err) => {
    console.error(`${name}: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
