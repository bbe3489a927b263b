/**
 * The gateway on every core: node:cluster forks GATEWAY_WORKERS copies of index.ts (default: the
 * cores this process may use), which share one listening port; the primary only supervises. The
 * gateway keeps no state between requests, so workers need nothing from each other (the rate limit
 * is per worker: N workers allow N times RATE_LIMIT, as N gateway processes would).
 */
import cluster from 'node:cluster';
import { extname, join } from 'node:path';
import { createLogger } from '@cinema/config';
import { loadGatewayConfig } from './config';

const config = loadGatewayConfig(); // fails here, once, rather than in every worker
const logger = createLogger('gateway-primary', config.LOG_LEVEL);
let stopping = false;

// Workers run index.ts, or the compiled index.js beside this compiled file, with the primary's node
// flags (`--import tsx`, or `--conditions=production`, included).
cluster.setupPrimary({ exec: join(__dirname, `index${extname(__filename)}`) });
for (let i = 0; i < config.GATEWAY_WORKERS; i++) cluster.fork();

cluster.on('exit', (worker, code, signal) => {
  if (stopping) {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    return;
  }
  // A crashed worker is replaced; its in-flight requests failed with it.
  logger.error({ pid: worker.process.pid, code, signal }, 'gateway worker exited: starting another');
  setTimeout(() => cluster.fork(), 1_000);
});

const stop = (sig: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  // Each worker drains its own requests (index.ts's shutdown); the primary leaves when all are gone.
  for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(sig);
  setTimeout(() => process.exit(1), 15_000).unref();
};
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => stop(sig));
// Started by a parent with an IPC channel (the stack scripts, chaos): when it dies, so does the
// gateway, as a single index.ts would (onShutdown), instead of leaving workers holding the port.
if (process.send !== undefined) {
  if (process.connected) process.once('disconnect', () => stop('SIGTERM'));
  else stop('SIGTERM');
}
