/**
 * The event part of a bench run, everything side by side on one stack: the broker's floor, the
 * propagation latency with its hop-by-hop breakdown, a burst's events/s, an outbox backlog's drain,
 * a resync, and the projection's bulkWrite on and off.
 */
import { amqpFloor } from './amqp-floor';
import type { BenchConfig } from './config';
import { burst, propagation, resync } from './events';
import { hopBreakdown } from './hops';
import { outboxDrain } from './outbox-drain';
import { projectionBulk } from './projection-bulk';
import { waitForQuiet, type Quiet } from './quiet';
import { startSpanSink } from './span-sink';
import { DATABASES, startSystem } from './system';

export async function eventPath(cfg: BenchConfig) {
  const sink = await startSpanSink();
  // The project's own tracing, exported to the bench every 100 ms: the hops are read from its spans.
  const sys = await startSystem({ OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_BSP_SCHEDULE_DELAY: '100' });
  try {
    // Each measurement starts from a quiet stack: what the one before left (or the system part's
    // read/write mix) is digested first, and how long that took is reported with it.
    const quiet: Record<string, Quiet> = {};
    const settle = async (stage: string) => void (quiet[stage] = await waitForQuiet(sys.amqpUrl, sys.mongo));
    await settle('start');
    // Warm-up, thrown away: on a fresh stack the first 600 sign-ups at 200/s went through at 147/s,
    // answered at a p50 of 520 ms, the next 600 at 195/s and 111 ms (measured): JIT, pools and
    // caches, as in the gateway rows' own warm-up run.
    const { samples: _w, ...warmup } = await propagation(sys.stack.gatewayUrl, sys.mongo, cfg.events.targetRate, cfg.events.warmupCount);
    await settle('afterWarmup');
    const floor = await amqpFloor(sys.amqpUrl, cfg.events.floorMessages);
    const serialFloor = await amqpFloor(sys.amqpUrl, cfg.quick ? 100 : 300, 1, true);
    // FerretDB (SQLite) scans a collection for most filters: the read model's size is part of the result.
    const readModelSize = await sys.mongo.db(DATABASES.movies).collection('user_profiles').estimatedDocumentCount();
    const { samples, ...prop } = await propagation(sys.stack.gatewayUrl, sys.mongo, cfg.events.rate, cfg.events.count);
    const hops = await hopBreakdown(samples, sink.spans);
    await settle('atTarget');
    const { samples: _, ...atTarget } = await propagation(sys.stack.gatewayUrl, sys.mongo, cfg.events.targetRate, cfg.events.targetCount);
    await settle('burst');
    const b = await burst(sys.stack.gatewayUrl, sys.mongo, cfg.events.e2eEvents);
    await settle('drain');
    const drain = await outboxDrain(sys.mongo, cfg.events.drainEvents);
    await settle('resync');
    const rs = await resync(sys.mongo, sys.amqpUrl);
    await settle('projectionBulk');
    const bulk = await projectionBulk(sys.mongo.db(DATABASES.movies), Math.max(readModelSize, 1_000), cfg.events.bulkEvents);
    return { readModelSize, quiet, warmup, floor, serialFloor, propagation: prop, hops, atTarget, burst: b, drain, resync: rs, projectionBulk: bulk };
  } finally {
    await sys.stop();
    await sink.close();
  }
}
