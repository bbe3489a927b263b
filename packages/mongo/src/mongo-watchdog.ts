import { MongoClient, type ServerDescriptionChangedEvent } from 'mongodb';
import type { Logger } from 'pino';
import { bounded } from '@cinema/config';

/**
 * The backstop for a MongoDB client that stays broken while its database is fine.
 *
 * Why: the driver recovers from partitions by itself (bounded socket and connect timeouts, see
 * mongo.ts), but a client can still end up holding dead connections it never gives up on: one chaos
 * run saw movies' client fail every operation for minutes after the partition had healed, while the
 * database answered everyone else. A service in that state neither serves nor consumes, and nothing
 * restarts it because it is alive. So: when the service's own pings have failed for `stuckAfterMs`
 * and a brand-new client reaches the same database, the old client is stuck, not the database; it
 * is closed (which destroys its sockets) and connected again. Every Db and Collection handle stays
 * valid across that, because they resolve the client's topology per operation.
 * When the fresh client fails too, the database is away: that is an outage, and waiting is right.
 * A client that is merely saturated (pings queue behind a full pool) still finishes operations, so
 * any progress in the window rules "stuck" out: reconnecting would only abort work in flight.
 * One stuck state is recognised sooner (`unselectableAfterMs`): the driver holding its only server
 * as Unknown, so every operation fails server selection, while a new client gets answers. After a
 * partition healed, movies' client stayed so for ~30 s (its monitor did not bring the server back);
 * a saturated client never looks like that, and there is no work in flight to abort.
 */
export interface MongoWatchdogOptions {
  /** A ping through the service's own client. */
  ping(): Promise<unknown>;
  /** A ping through a new client to the same database. */
  probe(): Promise<unknown>;
  /** Drops the service's client's connections and connects it again. */
  reconnect(): Promise<void>;
  /** When the client last finished an operation (ms since the epoch), if known. */
  lastProgress?(): number;
  /** Since when the driver has held its server as Unknown (ms since the epoch), if it does. */
  unknownSince?(): number | undefined;
  /** How long an Unknown server and failing pings may last before that counts as stuck. */
  unselectableAfterMs?: number;
  logger: Logger;
  intervalMs?: number;
  stuckAfterMs?: number;
  /** Bounds each ping and probe, so a hanging one counts as a failure. */
  timeoutMs?: number;
  onReconnect?(): void;
}

export function watchMongoClient(options: MongoWatchdogOptions): { stop(): void } {
  const { logger, intervalMs = 5_000, stuckAfterMs = 30_000, unselectableAfterMs = 10_000, timeoutMs = 2_000 } = options;
  let failingSince: number | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    try {
      await bounded(options.ping(), timeoutMs);
      if (failingSince !== undefined) logger.info('MongoDB answers again');
      failingSince = undefined;
      return;
    } catch (err) {
      failingSince ??= Date.now();
      const unknownSince = options.unknownSince?.();
      const unselectable = unknownSince !== undefined && Date.now() - unknownSince >= unselectableAfterMs;
      const window = unselectable ? unselectableAfterMs : stuckAfterMs;
      const since = unselectable ? Math.min(failingSince, unknownSince) : failingSince;
      if (Date.now() - since < window) return;
      if ((options.lastProgress?.() ?? 0) > Date.now() - window) return;
      const ours = (err as Error).message;
      try {
        await bounded(options.probe(), timeoutMs);
      } catch {
        logger.warn({ failingForMs: Date.now() - failingSince, err: ours }, 'MongoDB unreachable (a new client cannot reach it either); waiting');
        return;
      }
      logger.error({ failingForMs: Date.now() - since, serverUnknown: unselectable, err: ours }, 'MongoDB client stuck while the database answers a new client: reconnecting it');
      failingSince = undefined;
      options.onReconnect?.();
      await options.reconnect().catch((e) => logger.error({ err: e }, 'MongoDB client reconnect failed; will try again'));
    }
  };
  const loop = () => {
    if (stopped) return;
    timer = setTimeout(() => void tick().finally(loop), intervalMs);
    timer.unref();
  };
  loop();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** The watchdog for a client connected to `url`: its probe opens (and closes) a client of its own. */
export function watchClient(client: MongoClient, url: string, logger: Logger, tuning: Partial<Pick<MongoWatchdogOptions, 'intervalMs' | 'stuckAfterMs' | 'unselectableAfterMs' | 'timeoutMs' | 'onReconnect'>> = {}) {
  const timeoutMs = tuning.timeoutMs ?? 2_000;
  // A connection checked back in means an operation got its answer (connection pool events are
  // always emitted; command events would need monitorCommands and cost every operation).
  let lastCheckIn = 0;
  const progressed = () => void (lastCheckIn = Date.now());
  client.on('connectionCheckedIn', progressed);
  // SDAM events are always emitted: they say when the driver stops (and starts again) seeing its server.
  let unknownSince: number | undefined;
  const described = (e: ServerDescriptionChangedEvent) => {
    unknownSince = e.newDescription.type === 'Unknown' ? (unknownSince ?? Date.now()) : undefined;
  };
  client.on('serverDescriptionChanged', described);
  const watchdog = watchMongoClient({
    logger,
    ...tuning,
    lastProgress: () => lastCheckIn,
    unknownSince: () => unknownSince,
    ping: () => client.db('admin').command({ ping: 1 }),
    probe: async () => {
      const fresh = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs, maxPoolSize: 1, appName: 'watchdog-probe' });
      try {
        await fresh.db('admin').command({ ping: 1 });
      } finally {
        await fresh.close(true);
      }
    },
    reconnect: async () => {
      await client.close(true);
      await client.connect();
    },
  });
  return {
    stop() {
      watchdog.stop();
      client.off('connectionCheckedIn', progressed);
      client.off('serverDescriptionChanged', described);
    },
  };
}
