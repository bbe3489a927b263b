import { join } from 'node:path';
import { z } from 'zod';
import { env, loadConfig, tracingEnv } from '@cinema/service-kit';

const schema = z.object({
  NODE_ENV: env.nodeEnv(),
  PORT: env.port(4000),
  HOST: env.host(),
  SUPERGRAPH_PATH: z.string().min(1).default(join(__dirname, '..', '..', 'schema', 'supergraph.graphql')),
  LOG_LEVEL: env.logLevel(),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'e.g. 1mb or 512kb').default('1mb'),
  ...tracingEnv,
});

export type GatewayConfig = z.infer<typeof schema> & { subgraphUrls: Record<string, string> };

/**
 * The gateway knows no subgraph by name: `SUBGRAPH_URL_<NAME>` (e.g. SUBGRAPH_URL_USERS) overrides
 * the routing URL the supergraph file gives for subgraph <name>, for any supergraph.
 */
export function loadGatewayConfig(e: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config = loadConfig(schema, e);
  const subgraphUrls: Record<string, string> = {};
  for (const [key, value] of Object.entries(e)) {
    const match = /^SUBGRAPH_URL_(.+)$/.exec(key);
    if (!match || !value) continue;
    if (!/^https?:\/\//.test(value)) throw new Error(`invalid configuration\n  - ${key}: must be an http(s) URL`);
    subgraphUrls[match[1]!.toLowerCase()] = value;
  }
  return { ...config, subgraphUrls };
}
