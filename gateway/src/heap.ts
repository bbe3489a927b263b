/**
 * The gateway runs with V8's old generation limited to 1 GB. V8 sizes the old generation's growth
 * between full collections from that limit, and by default derives the limit from the machine's
 * memory (4.3 GB on a 24 GB machine): there, 50 concurrent deep queries let the old generation reach
 * ~250 MB of mostly garbage before each collection, and the worker's RSS ~440 MB. With this limit
 * the same load peaks at 230–265 MB at nearly the same throughput (docs/benchmarks.md, its on/off row),
 * and 1 GB is still far above what a worker holds. Applied through NODE_OPTIONS by the start script
 * (scripts/lib/stack.ts, before the caller's own NODE_OPTIONS, which can override it) and the bench,
 * and spelled out in the Dockerfile's gateway stage (NODE_OPTIONS) and gateway/package.json's scripts (a flag);
 * index.ts warns when the running limit is not this one.
 */
import { getHeapStatistics } from 'node:v8';

export const GATEWAY_HEAP_MB = 1024;
export const GATEWAY_NODE_OPTIONS = `--max-old-space-size=${GATEWAY_HEAP_MB}`;

/** The running old-generation limit in MB when it is not the gateway's, else undefined. */
export function heapLimitDiffers(): number | undefined {
  // heap_size_limit adds the young generation (tens of MB) to the old generation's limit.
  const mb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  return mb < GATEWAY_HEAP_MB || mb > GATEWAY_HEAP_MB + 128 ? mb : undefined;
}
