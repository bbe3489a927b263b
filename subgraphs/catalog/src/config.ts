import { z } from 'zod';
import { env, loadConfig } from '@cinema/service-kit';

const schema = z.object({
  NODE_ENV: env.nodeEnv(),
  PORT: env.port(4003),
  HOST: env.host(),
  MONGO_URL: env.mongoUrl(),
  MONGO_DB: env.dbName('catalog'),
  LOG_LEVEL: env.logLevel(),
});

export type CatalogConfig = z.infer<typeof schema>;
export const loadCatalogConfig = (e: NodeJS.ProcessEnv = process.env) => loadConfig('catalog', schema, e);
