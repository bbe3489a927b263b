import { z } from 'zod';

/**
 * Reads the environment once, validates it, and fails with one message naming every bad variable.
 * Each service declares its own schema; libraries below it only take options.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  // An empty variable counts as unset (docker compose passes `${X:-}` as ""), so defaults apply.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(set);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new Error(`invalid configuration\n${lines.join('\n')}`);
}

/** Shared pieces of service configuration schemas. */
export const env = {
  port: (fallback: number) =>
    z.coerce
      .number({ error: 'must be a port number (0-65535)' })
      .int({ error: 'must be a port number (0-65535)' })
      .min(0, { error: 'must be a port number (0-65535)' })
      .max(65535, { error: 'must be a port number (0-65535)' })
      .default(fallback),
  host: (fallback = '127.0.0.1') => z.string().min(1).default(fallback),
  mongoUrl: () =>
    z
      .string({ error: 'is required (e.g. mongodb://127.0.0.1:27017)' })
      .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URL'),
  dbName: (fallback: string) =>
    z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only').default(fallback),
  nodeEnv: () => z.enum(['development', 'production', 'test']).default('development'),
  /** A shared secret: required, no default (a default would be a secret everybody knows). */
  secret: () =>
    z
      .string({ error: 'is required: a random string of at least 32 characters (e.g. `openssl rand -hex 32`), the same on the gateway and every subgraph' })
      .min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};
