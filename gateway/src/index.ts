import { readFileSync } from 'node:fs';
import { createLogger, onShutdown } from '@cinema/service-kit';
import { loadGatewayConfig } from './config';
import { createGatewayServer } from './server';

async function main() {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  let supergraphSdl: string;
  try {
    supergraphSdl = readFileSync(config.SUPERGRAPH_PATH, 'utf8');
  } catch {
    throw new Error(`cannot read the supergraph at SUPERGRAPH_PATH=${config.SUPERGRAPH_PATH}`);
  }
  const server = createGatewayServer({
    supergraphSdl,
    logger,
    production: config.production,
    subgraphUrls: config.subgraphUrls,
    bodyLimit: config.BODY_LIMIT,
    signingSecret: config.GATEWAY_SIGNING_SECRET,
    tokens: config.tokens,
    limits: config.limits,
    subgraphTimeoutMs: config.SUBGRAPH_TIMEOUT_MS,
  });
  await server.listen(config.PORT, config.HOST);
  onShutdown(logger, [() => server.stop()]);
}

main().catch((err) => {
  console.error(`gateway: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
