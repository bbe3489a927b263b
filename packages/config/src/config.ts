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
      .string({ error: 'is required: a random string of at least 32 characters (e.g. `openssl rand -hex 32`); a subgraph\'s own key is also the gateway\'s GATEWAY_SIGNING_SECRET_<NAME>' })
      .min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How broker users are named: `<prefix><role>`, e.g. cinema-users (docs/decisions.md, "A broker user per service"). */
  amqpUserPrefix: () => z.string().regex(/^[A-Za-z0-9_.-]{0,40}$/, 'letters, digits, _ . and - only (at most 40)').default('cinema-'),
  /**
   * Why a service may not log in to the broker with this URL, or undefined: in production only as
   * its own broker user (never guest); in development any user, with a warning from the caller
   * (brokerLoginWarning) when it is not its own (its events would be refused by their consumers).
   */
  brokerLoginProblem: (url: string, expected: string, production: boolean): string | undefined => {
    if (!production) return undefined;
    const user = brokerUserOf(url);
    if (user === 'guest') return `logs in as guest, which is refused in production: use the service's own broker user (${expected})`;
    return user === expected ? undefined : `logs in as "${user}": this service's broker user is "${expected}" (AMQP_USER_PREFIX + its name)`;
  },
  brokerLoginWarning: (url: string, expected: string): string | undefined => {
    const user = brokerUserOf(url);
    return user === expected ? undefined : `AMQP_URL logs in as "${user}", not as this service's broker user "${expected}": consumers refuse events that "${user}" publishes, and the broker may refuse its topology`;
  },
};

/** The broker user an AMQP URL logs in as (amqplib's default, guest, when the URL names none). */
export function brokerUserOf(url: string): string {
  try {
    const user = new URL(url).username;
    return user ? decodeURIComponent(user) : 'guest';
  } catch {
    return 'guest';
  }
}
