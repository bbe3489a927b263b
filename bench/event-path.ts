/**
 * The event part of a bench run, side by side on one stack as shipped: the broker's floor and the
 * database's, the propagation latency, a burst's events/s, an outbox backlog's drain, a resync, and the
 * projection's bulkWrite on and off; then, on a traced stack, the propagation's hop-by-hop breakdown.
 */
import { OPERATOR } from '@cinema/events';
import { loginUrl } from '../scripts/lib/broker-users';
import { amqpFloor } from './amqp-floor';
import type { BenchConfig } from './config';
import { databaseFloor } from './database-floor';
import { burst, propagation, resync } from './events';
import { hopBreakdown } from './hops';
import { outboxDrain } from './outbox-drain';
import { projectionBulk } from './projection-bulk';
import { waitForQuiet, type Quiet } from './quiet';
import { startSpanSink } from './span-sink';
import { DATABASES, startSystem } from './system';

export async function eventPath(cfg: BenchConfig) {
  const shipped = await shippedStack(cfg);
  return { ...shipped, traced: await tracedStack(cfg) };
}

/**
 * Every figure the targets are judged on, on the stack as `npm start` runs it: tracing off (its
 * default), every process free to use both cores.
 */
async function shippedStack(cfg: BenchConfig) {
  const sys = await startSystem();
  try {
    // Each measurement starts from a quiet stack: what the one before left (or the system part's
    // read/write mix) is digested first, and how long that took is reported with it.
    const quiet: Record<string, Quiet> = {};
    const settle = async (stage: string) => void (quiet[stage] = await waitForQuiet(sys.amqpUrl, sys.mongo));
    await settle('start');
    // Warm-up, thrown away (JIT, pools and caches, as in the gateway rows' own warm-up run): on a
    // fresh stack, 1 000 sign-ups at 200/s were accepted → visible at a p50 of 18.5 ms, the next
    // 1 000 at 10.1 ms, the next two at 6.0 and 6.3 ms, while the four services' CPU per sign-up
    // fell from 4.8 to 3.5 ms (measured).
    const { samples: _w, ...warmup } = await propagation(sys.stack.gatewayUrl, sys.mongo, cfg.events.targetRate, cfg.events.warmupCount);
    await settle('afterWarmup');
    const floor = await amqpFloor(sys.amqpUrl, cfg.events.floorMessages);
    const serialFloor = await amqpFloor(sys.amqpUrl, cfg.quick ? 100 : 300, 1, true);
    // The database's side of the floor: the one write every event costs it, alone.
    const dbFloor = await databaseFloor(sys.mongo.db(DATABASES.users), cfg.events.drainEvents);
    // FerretDB (SQLite) scans a collection for most filters: the read model's size is part of the result.
    const readModelSize = await sys.mongo.db(DATABASES.movies).collection('user_profiles').estimatedDocumentCount();
    const { samples: _p, ...prop } = await propagation(sys.stack.gatewayUrl, sys.mongo, cfg.events.rate, cfg.events.count);
    await settle('atTarget');
    const { samples: _t, ...atTarget } = await propagation(sys.stack.gatewayUrl, sys.mongo, cfg.events.targetRate, cfg.events.targetCount);
    await settle('burst');
    const b = await burst(sys.stack.gatewayUrl, sys.mongo, cfg.events.e2eEvents);
    await settle('drain');
    const drain = await outboxDrain(sys.mongo, cfg.events.drainEvents);
    await settle('resync');
    const rs = await resync(sys.mongo, loginUrl(sys.broker, OPERATOR));
    await settle('projectionBulk');
    const bulk = await projectionBulk(sys.mongo.db(DATABASES.movies), Math.max(readModelSize, 1_000), cfg.events.bulkEvents);
    return { readModelSize, quiet, warmup, floor, serialFloor, dbFloor, propagation: prop, atTarget, burst: b, drain, resync: rs, projectionBulk: bulk };
  } finally {
    await sys.stop();
  }
}

/**
 * Where the propagation time goes, on a second stack with the project's own tracing exported to the
 * bench every 100 ms (hops.ts reads the hops from its spans), at the rate below saturation. Apart
 * from the shipped stack: tracing adds spans and their export to every process on the path, and the
 * targets are judged on what users run.
 */
async function tracedStack(cfg: BenchConfig) {
  const sink = await startSpanSink();
  const sys = await startSystem({ OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_BSP_SCHEDULE_DELAY: '100' });
  try {
    await waitForQuiet(sys.amqpUrl, sys.mongo);
    // A shorter warm-up: this stack measures only below saturation, and only where the time goes.
    await propagation(sys.stack.gatewayUrl, sys.mongo, cfg.events.targetRate, Math.min(cfg.events.warmupCount, 600));
    await waitForQuiet(sys.amqpUrl, sys.mongo);
    const readModelSize = await sys.mongo.db(DATABASES.movies).collection('user_profiles').estimatedDocumentCount();
    const { samples, ...prop } = await propagation(sys.stack.gatewayUrl, sys.mongo, cfg.events.rate, cfg.events.count);
    return { readModelSize, propagation: prop, hops: await hopBreakdown(samples, sink.spans) };
  } finally {
    await sys.stop();
    await sink.close();
  }
}
