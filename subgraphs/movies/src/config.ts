import { z } from 'zod';
import { env, loadConfig } from '@cinema/service-kit';

const schema = z.object({
  NODE_ENV: env.nodeEnv(),
  PORT: env.port(4002),
  HOST: env.host(),
  MONGO_URL: env.mongoUrl(),
  MONGO_DB: env.dbName('movies'),
  LOG_LEVEL: env.logLevel(),
});

export type MoviesConfig = z.infer<typeof schema>;
export const loadMoviesConfig = (e: NodeJS.ProcessEnv = process.env) => loadConfig('movies', schema, e);
