import { z } from 'zod';
import { env, loadConfig } from '@cinema/service-kit';

const schema = z.object({
  NODE_ENV: env.nodeEnv(),
  PORT: env.port(4001),
  HOST: env.host(),
  MONGO_URL: env.mongoUrl(),
  MONGO_DB: env.dbName('users'),
  LOG_LEVEL: env.logLevel(),
});

export type UsersConfig = z.infer<typeof schema>;
export const loadUsersConfig = (e: NodeJS.ProcessEnv = process.env) => loadConfig('users', schema, e);
