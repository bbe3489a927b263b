/**
 * What the manifests are checked against: each service's port and the environment its own
 * config.ts reads (names from its zod schema, values through its own loader), and the objects the
 * base refers to without defining them, which someone else creates in the namespace.
 */
import { loadConfig } from '@cinema/config';
import { gatewayEnv, loadGatewayConfig } from '../../gateway/src/config';
import { catalogEnv } from '../../subgraphs/catalog/src/config';
import { moviesEnv } from '../../subgraphs/movies/src/config';
import { usersEnv } from '../../subgraphs/users/src/config';

export interface ServiceSpec {
  port: number;
  /** Variable names the service's config schema declares. */
  names: ReadonlySet<string>;
  /** Names read outside the schema, by pattern (the gateway's SUBGRAPH_URL_<NAME>, GATEWAY_SIGNING_SECRET_<NAME>). */
  patterns: RegExp[];
  /** The service's own loader: throws `invalid configuration` naming each bad variable. */
  load(env: NodeJS.ProcessEnv): unknown;
}

const names = (schema: { shape: object }) => new Set(Object.keys(schema.shape));
const subgraph = (port: number, schema: typeof usersEnv): ServiceSpec => ({
  port,
  names: names(schema),
  patterns: [],
  load: (env) => loadConfig(schema, env),
});

export const SERVICES: Record<string, ServiceSpec> = {
  gateway: { port: 4000, names: names(gatewayEnv), patterns: [/^SUBGRAPH_URL_[A-Z0-9_]+$/, /^GATEWAY_SIGNING_SECRET_[A-Z0-9_]+$/], load: loadGatewayConfig },
  users: subgraph(4001, usersEnv),
  movies: subgraph(4002, moviesEnv),
  catalog: subgraph(4003, catalogEnv),
};

/** The probes' paths, as @cinema/serving's HTTP server answers them (the manifests test asks one). */
export const PROBES = { liveness: '/health/live', readiness: '/health/ready' } as const;

export interface ExternalObject {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  /** Who creates it (docs/kubernetes.md says how). */
  providedBy: string;
  /** Each key with a sample value of the right shape, used only to run the services' loaders. */
  samples: Record<string, string>;
}

const mongo = (service: string): ExternalObject => ({
  kind: 'Secret',
  name: `${service}-mongo`,
  providedBy: 'you, from your MongoDB replica set (operator or managed service)',
  samples: { MONGO_URL: `mongodb://${service}:sample@db-0.db,db-1.db,db-2.db/?replicaSet=rs0&authSource=admin` },
});

/** Each service's broker user (never the operator's administrator): docs/kubernetes.md, "Broker users". */
const rabbitmq = (service: string): ExternalObject => ({
  kind: 'Secret',
  name: `${service}-rabbitmq`,
  providedBy: 'you, with the broker user you created for the service (npm run broker-users -- --definitions)',
  samples: { username: `cinema-${service}`, password: 'samplepassword0123456789' },
});

/** The base names these and nothing else it does not define; an overlay may generate them. */
export const EXTERNAL_OBJECTS: ExternalObject[] = [
  // One key per subgraph: the subgraph reads its own, the gateway all three.
  ...['users', 'movies', 'catalog'].map((s): ExternalObject => ({ kind: 'Secret', name: `${s}-signing`, providedBy: 'you', samples: { GATEWAY_SIGNING_SECRET: s[0]!.repeat(64) } })),
  { kind: 'Secret', name: 'gateway-metrics', providedBy: 'you', samples: { METRICS_TOKEN: 'm'.repeat(32) } },
  {
    kind: 'ConfigMap',
    name: 'gateway-identity',
    providedBy: 'you, from your identity provider',
    samples: { JWT_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json', JWT_ISSUER: 'https://idp.example.com/', JWT_AUDIENCE: 'cinema-graph' },
  },
  mongo('users'),
  mongo('movies'),
  mongo('catalog'),
  rabbitmq('users'),
  rabbitmq('movies'),
  rabbitmq('catalog'),
  // The gateway's own (subscriptions: docs/subscriptions.md).
  rabbitmq('gateway'),
];
