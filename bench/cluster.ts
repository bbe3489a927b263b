/**
 * The product gateway on node:cluster: N workers (GATEWAY_WORKERS, default the core count) share
 * one port, so a gateway uses every core. Measured beside the one-worker comparison, never in it.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

if (cluster.isPrimary) {
  const workers = Number(process.env.GATEWAY_WORKERS ?? availableParallelism());
  cluster.setupPrimary({ exec: join(__dirname, '..', 'gateway', 'src', 'index.ts'), execArgv: ['--import', 'tsx'] });
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 3_000).unref();
  });
}
