import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { env, loadConfig } from '@cinema/config';
import { tracingEnv } from '@cinema/telemetry';
import { DEV_AUDIENCE, DEV_ISSUER } from '@cinema/serving';

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const UNITS = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as const;
/** A size such as 512kb or 16mb, in bytes. */
const size = (fallback: string) =>
  z
    .string()
    .regex(/^\d+(b|kb|mb|gb)$/i, 'e.g. 512kb or 16mb')
    .default(fallback)
    .transform((v) => Number(/^\d+/.exec(v)![0]) * UNITS[/[a-z]+$/i.exec(v)![0].toLowerCase() as keyof typeof UNITS]);
const HMAC = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** The gateway's environment (exported so the Kubernetes manifests' check knows every name it reads). */
export const gatewayEnv = z
  .object({
    NODE_ENV: env.nodeEnv(),
    PORT: env.port(4000),
    HOST: env.host(),
    SUPERGRAPH_PATH: z.string().min(1).default(join(__dirname, '..', '..', 'schema', 'supergraph.graphql')),
    LOG_LEVEL: env.logLevel(),
    BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'e.g. 1mb or 512kb').default('256kb'),
    // Bytes read from one subgraph answer, and bytes of one answer to a client: beyond them, an error.
    SUBGRAPH_RESPONSE_LIMIT: size('16mb'),
    RESPONSE_LIMIT: size('16mb'),
    // Development and tests: the key of every subgraph without a GATEWAY_SIGNING_SECRET_<NAME> of its
    // own (loadGatewayConfig reads those). Refused in production: one key per subgraph there.
    GATEWAY_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
    // Identity: a shared key in development, the identity provider's JWKS in production.
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    JWT_ALGORITHMS: z.string().optional(),
    JWT_ISSUER: z.string().min(1).optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
    JWT_CLOCK_TOLERANCE_S: int(0, 300, 5),
    // Abuse limits, all on by default.
    MAX_DEPTH: int(1, 100, 12),
    MAX_ALIASES: int(0, 1000, 15),
    MAX_DIRECTIVES: int(0, 1000, 50),
    MAX_TOKENS: int(10, 100_000, 2_000),
    MAX_COST: int(1, 10_000_000, 50_000),
    RATE_LIMIT: int(0, 1_000_000, 600),
    RATE_LIMIT_WINDOW_MS: int(1_000, 3_600_000, 60_000),
    SUBGRAPH_TIMEOUT_MS: int(100, 120_000, 10_000),
    // A subgraph's breaker opens after this many consecutive failed fetches (0: no breakers); while
    // open its fields are null with SUBGRAPH_UNAVAILABLE at once, and a probe may close it after
    // SUBGRAPH_BREAKER_OPEN_MS.
    SUBGRAPH_BREAKER_FAILURES: int(0, 1_000, 5),
    SUBGRAPH_BREAKER_OPEN_MS: int(100, 600_000, 1_000),
    // Reads (queries, _entities) sent again after a connection reset; mutations never.
    SUBGRAPH_READ_RETRIES: int(0, 3, 1),
    // While a worker's event loop is ≥ 90% busy, only a window of requests runs at once (at least
    // this many; it widens when it starves the core) and the rest wait in order
    // (admission/admission.ts). 0: no limit. Beyond ADMISSION_QUEUE waiting: 503.
    ADMISSION_LIMIT: int(0, 10_000, 4),
    ADMISSION_QUEUE: int(1, 1_000_000, 1_000),
    // cluster.ts only: how many gateway processes share the port (default: the usable cores).
    GATEWAY_WORKERS: int(1, 256, availableParallelism()),
    // pool: undici keep-alive pools, SUBGRAPH_CONNECTIONS sockets per subgraph at most; fetch: Node's global fetch.
    SUBGRAPH_FETCH: z.enum(['pool', 'fetch']).default('pool'),
    SUBGRAPH_CONNECTIONS: int(1, 10_000, 128),
    // on: identical subgraph reads in flight at the same moment share one request (with SUBGRAPH_FETCH=pool).
    DEDUPE_INFLIGHT: z.enum(['on', 'off']).default('on'),
    // on: identical queries from clients in flight at the same moment share one execution and one answer (inbound-dedupe/).
    INBOUND_DEDUPE: z.enum(['on', 'off']).default('on'),
    // on: each distinct entity representation is sent once per subgraph fetch; off for the bench's comparison.
    DEDUPE_REPRESENTATIONS: z.enum(['on', 'off']).default('on'),
    // on: Apollo's result shaping replaced by a walk compiled per operation (apollo-internals/); off for the bench's comparison.
    GATEWAY_COMPILED_SHAPING: z.enum(['on', 'off']).default('on'),
    // on: answers are serialized in pieces into one Buffer (serving's json-pieces.ts); off for the bench's comparison.
    GATEWAY_JSON_PIECES: z.enum(['on', 'off']).default('on'),
    // The gateway's port faces clients: with this set, /metrics wants it as a bearer token.
    // Behind a load balancer: how many proxy hops (or which addresses) to trust for the client's
    // address in X-Forwarded-For; otherwise every anonymous client shares the proxy's rate limit.
    TRUST_PROXY: z
      .string()
      .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/,\s a-z]+)$/, 'true, false, a hop count, or addresses/subnets (e.g. loopback, 10.0.0.0/8)')
      .default('false'),
    // on: query responses are kept per worker and evicted by the domain events (response-cache/).
    RESPONSE_CACHE: z.enum(['on', 'off']).default('off'),
    // A bound, not the mechanism: events evict; this caps what a missed eviction could cost.
    RESPONSE_CACHE_TTL_S: int(1, 86_400, 300),
    RESPONSE_CACHE_MAX_MB: int(1, 16_384, 64),
    // Only with RESPONSE_CACHE=on: where the events come from (the subgraphs' broker; required in production).
    // The gateway's own broker user (<AMQP_USER_PREFIX>gateway): it may only read events, on queues of its own.
    AMQP_URL: z.string().regex(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL').optional(),
    AMQP_NAMESPACE: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).optional(),
    AMQP_USER_PREFIX: env.amqpUserPrefix(),
    // on: GraphQL subscriptions (graphql-ws and SSE on /graphql, SSE also on /graphql/stream) fed by the domain
    // events on a queue of this process (docs/subscriptions.md); they need AMQP_URL like the response
    // cache. auto: on, except in production without AMQP_URL (then off, said at start).
    SUBSCRIPTIONS: z.enum(['on', 'off', 'auto']).default('auto'),
    // connection_init must arrive within this (else 4408); then per connection and per client (the
    // token's subject, or the address of an anonymous one) at most so many subscriptions.
    SUBSCRIPTION_INIT_TIMEOUT_MS: int(500, 60_000, 3_000),
    SUBSCRIPTION_MAX_PER_CONNECTION: int(1, 10_000, 100),
    SUBSCRIPTION_MAX_PER_CLIENT: int(1, 1_000_000, 1_000),
    // Subscribes per client within the window, however quickly each ends (SUBSCRIBE_RATE_LIMITED
    // beyond): held subscriptions are bounded above, churn of subscribe/complete is bounded here.
    SUBSCRIPTION_SUBSCRIBE_RATE: int(1, 1_000_000, 300),
    SUBSCRIPTION_SUBSCRIBE_WINDOW_MS: int(100, 3_600_000, 10_000),
    // A subscriber whose client does not read: beyond this many unsent payloads, or this many unsent
    // bytes on its connection, the connection is closed (WebSocket 1013; the SSE response ends).
    SUBSCRIPTION_MAX_QUEUED: int(1, 10_000, 64),
    SUBSCRIPTION_MAX_BUFFERED: size('1mb'),
    // One payload's JSON at most (larger: a PAYLOAD_TOO_LARGE error instead); one client message at most.
    SUBSCRIPTION_MAX_PAYLOAD: size('256kb'),
    SUBSCRIPTION_MAX_MESSAGE: size('64kb'),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    ...tracingEnv,
  })
  .superRefine((c, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!c.JWT_SECRET === !c.JWT_JWKS_URL) problem('JWT_SECRET', 'set exactly one of JWT_SECRET (development) and JWT_JWKS_URL (production)');
    if (c.NODE_ENV === 'production') {
      if (!c.JWT_JWKS_URL) problem('JWT_JWKS_URL', 'is required in production (a shared JWT_SECRET is for development)');
      // Keys fetched in clear text could be swapped by anyone on the path, and any token forged.
      else if (!c.JWT_JWKS_URL.startsWith('https://')) problem('JWT_JWKS_URL', 'must be https:// in production');
      if (!c.JWT_ISSUER) problem('JWT_ISSUER', 'is required in production');
      if (!c.JWT_AUDIENCE) problem('JWT_AUDIENCE', 'is required in production');
    }
    // Without it the cache would look for a local broker that is not there and stay off, quietly.
    if (c.NODE_ENV === 'production' && c.RESPONSE_CACHE === 'on' && !c.AMQP_URL) problem('AMQP_URL', 'is required in production with RESPONSE_CACHE=on');
    if (c.NODE_ENV === 'production' && c.SUBSCRIPTIONS === 'on' && !c.AMQP_URL) problem('AMQP_URL', 'is required in production with SUBSCRIPTIONS=on (or set SUBSCRIPTIONS=off)');
    if ((c.RESPONSE_CACHE === 'on' || c.SUBSCRIPTIONS !== 'off') && c.AMQP_URL) {
      const login = env.brokerLoginProblem(c.AMQP_URL, `${c.AMQP_USER_PREFIX}gateway`, c.NODE_ENV === 'production');
      if (login) problem('AMQP_URL', login);
    }
    if (c.NODE_ENV === 'production' && c.GATEWAY_SIGNING_SECRET) {
      problem('GATEWAY_SIGNING_SECRET', 'one key shared by every subgraph is refused in production: set GATEWAY_SIGNING_SECRET_<NAME> for each subgraph (each subgraph gets only its own)');
    }
    const allowed = c.JWT_SECRET ? HMAC : ASYMMETRIC;
    for (const alg of c.JWT_ALGORITHMS?.split(',') ?? []) {
      if (!allowed.includes(alg.trim())) problem('JWT_ALGORITHMS', `${alg} is not one of ${allowed.join(', ')} (for ${c.JWT_SECRET ? 'JWT_SECRET' : 'JWT_JWKS_URL'})`);
    }
  });


export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

/**
 * The variables named after a subgraph: SUBGRAPH_URL_<NAME> and GATEWAY_SIGNING_SECRET_<NAME> (the
 * key only that subgraph shares with the gateway; `_PREVIOUS` is a subgraph's own variable during a
 * rotation, not a name). Production wants one key per subgraph, all different, and no shared one.
 */
function perSubgraph(e: NodeJS.ProcessEnv) {
  const subgraphUrls: Record<string, string> = {};
  const signingKeys: Record<string, string> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(e)) {
    const url = /^SUBGRAPH_URL_(.+)$/.exec(key);
    if (url && value) {
      if (!/^https?:\/\//.test(value)) problems.push(`${key}: must be an http(s) URL`);
      subgraphUrls[url[1]!.toLowerCase()] = value;
    }
    const signing = /^GATEWAY_SIGNING_SECRET_(.+)$/.exec(key);
    if (signing && value && !key.endsWith('_PREVIOUS')) {
      if (value.length < 32) problems.push(`${key}: must be at least 32 characters (e.g. \`openssl rand -hex 32\`)`);
      signingKeys[signing[1]!.toLowerCase()] = value;
    }
  }
  const production = e.NODE_ENV === 'production';
  const keys = Object.values(signingKeys);
  if (!e.GATEWAY_SIGNING_SECRET && keys.length === 0) {
    problems.push('GATEWAY_SIGNING_SECRET_<NAME>: is required for each subgraph (e.g. GATEWAY_SIGNING_SECRET_USERS; `openssl rand -hex 32` each)');
  }
  if (production && new Set(keys).size < keys.length) problems.push('GATEWAY_SIGNING_SECRET_<NAME>: each subgraph needs a key of its own (two are the same)');
  return { subgraphUrls, signingKeys, problems };
}

/**
 * The gateway knows no subgraph by name: `SUBGRAPH_URL_<NAME>` (e.g. SUBGRAPH_URL_USERS) overrides
 * the routing URL the supergraph file gives for subgraph <name>, for any supergraph.
 */
export function loadGatewayConfig(e: NodeJS.ProcessEnv = process.env) {
  const { subgraphUrls, signingKeys, problems } = perSubgraph(e);
  let c: z.infer<typeof gatewayEnv>;
  try {
    c = loadConfig(gatewayEnv, e);
  } catch (err) {
    // One message naming every bad variable, the per-subgraph ones included.
    throw new Error([(err as Error).message, ...problems.map((p) => `  - ${p}`)].join('\n'));
  }
  if (problems.length > 0) throw new Error(`invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return {
    ...c,
    subgraphUrls,
    signingKeys,
    production: c.NODE_ENV === 'production',
    dedupeRepresentations: c.DEDUPE_REPRESENTATIONS === 'on',
    dedupeInflight: c.DEDUPE_INFLIGHT === 'on',
    inboundDedupe: c.INBOUND_DEDUPE === 'on',
    jsonPieces: c.GATEWAY_JSON_PIECES === 'on',
    subgraphResponseLimit: c.SUBGRAPH_RESPONSE_LIMIT,
    responseLimit: c.RESPONSE_LIMIT,
    apolloInternals: { compiledShaping: c.GATEWAY_COMPILED_SHAPING === 'on' },
    admission: { limit: c.ADMISSION_LIMIT, maxQueued: c.ADMISSION_QUEUE },
    responseCache: c.RESPONSE_CACHE === 'on' ? { maxBytes: c.RESPONSE_CACHE_MAX_MB * 2 ** 20, ttlMs: c.RESPONSE_CACHE_TTL_S * 1000 } : undefined,
    amqpUrl: c.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    subscriptions:
      c.SUBSCRIPTIONS === 'on' || (c.SUBSCRIPTIONS === 'auto' && (c.NODE_ENV !== 'production' || c.AMQP_URL))
        ? {
            initTimeoutMs: c.SUBSCRIPTION_INIT_TIMEOUT_MS,
            maxPerConnection: c.SUBSCRIPTION_MAX_PER_CONNECTION,
            maxPerClient: c.SUBSCRIPTION_MAX_PER_CLIENT,
            subscribeRate: c.SUBSCRIPTION_SUBSCRIBE_RATE,
            subscribeWindowMs: c.SUBSCRIPTION_SUBSCRIBE_WINDOW_MS,
            maxQueued: c.SUBSCRIPTION_MAX_QUEUED,
            maxBufferedBytes: c.SUBSCRIPTION_MAX_BUFFERED,
            maxPayloadBytes: c.SUBSCRIPTION_MAX_PAYLOAD,
            maxMessageBytes: c.SUBSCRIPTION_MAX_MESSAGE,
          }
        : undefined,
    resilience: { breakerFailures: c.SUBGRAPH_BREAKER_FAILURES, breakerOpenMs: c.SUBGRAPH_BREAKER_OPEN_MS, readRetries: c.SUBGRAPH_READ_RETRIES },
    amqpUserPrefix: c.AMQP_USER_PREFIX,
    subgraphPool: c.SUBGRAPH_FETCH === 'pool' ? { connections: c.SUBGRAPH_CONNECTIONS } : (false as const),
    trustProxy: c.TRUST_PROXY === 'true' ? true : c.TRUST_PROXY === 'false' ? false : /^\d+$/.test(c.TRUST_PROXY) ? Number(c.TRUST_PROXY) : c.TRUST_PROXY,
    tokens: {
      secret: c.JWT_SECRET,
      jwksUrl: c.JWT_JWKS_URL,
      algorithms: c.JWT_ALGORITHMS?.split(',').map((a) => a.trim()) ?? (c.JWT_SECRET ? ['HS256'] : ['RS256', 'ES256']),
      issuer: c.JWT_ISSUER ?? DEV_ISSUER,
      audience: c.JWT_AUDIENCE ?? DEV_AUDIENCE,
      clockToleranceSeconds: c.JWT_CLOCK_TOLERANCE_S,
    },
    limits: {
      maxDepth: c.MAX_DEPTH,
      maxAliases: c.MAX_ALIASES,
      maxDirectives: c.MAX_DIRECTIVES,
      maxTokens: c.MAX_TOKENS,
      maxCost: c.MAX_COST,
      rateLimit: c.RATE_LIMIT,
      rateWindowMs: c.RATE_LIMIT_WINDOW_MS,
    },
  };
}
