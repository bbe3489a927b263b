import type { DomainEvent } from '@cinema/events';
import type { AnyBulkWriteOperation, Collection, ObjectId, UpdateFilter } from 'mongodb';
import type { Logger } from 'pino';
import { withDocLocks } from './doc-lock';
import type { MessagingObserver } from './observer';
import type { OutboxDoc } from './outbox';
import { envelopeOf, tracePublish, type OutboxEntry } from './trace-context';

const BULK_CHUNK = 50;

export interface RelayOptions {
  collections: Collection<any>[];
  /** Publishes the envelope with these extra message headers (the trace context). */
  publish: (event: DomainEvent, headers: Record<string, string>) => Promise<void>;
  logger: Logger;
  /** The exchange the events go to (named on the publish span). */
  exchange?: string;
  observer?: MessagingObserver;
  /** How often the sweep looks for entries the immediate publish did not get out. */
  sweepIntervalMs?: number;
  /** Documents per sweep round. */
  batchSize?: number;
}

/**
 * Publishes outbox entries: right after a write (`dispatch`, low latency) and by a periodic sweep
 * (whatever a crash or a broker outage left). Publishes are pipelined: all entries of a round are
 * in flight at once and confirmed together. Any number of relays may run over the same collection:
 * a duplicate publish is harmless (consumers are idempotent), removing an unconfirmed entry is
 * the only thing that must never happen, and `$pullAll` removes exactly the confirmed entries.
 */
export class OutboxRelay {
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  private pending = new Set<Promise<unknown>>();
  /** An immediate publish failed since the last sweep: sweep again soon. */
  private missed = false;
  /** The last sweep found a full batch somewhere: there is more backlog, sweep again at once. */
  private full = false;

  constructor(private readonly o: RelayOptions) {}

  /** Publishes the events a write just recorded, without waiting (the sweep is the safety net). */
  dispatch = (collection: Collection<any>, id: ObjectId, entries: OutboxEntry[]): void => {
    const task = this.flush(collection, [{ _id: id, version: 0, outbox: entries }]).catch((err) => {
      this.missed = true;
      this.o.logger.debug({ err }, 'immediate publish failed; the sweep will retry');
    });
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  };

  /** One pass over every collection; resolves with the number of events confirmed. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /**
   * Sweeps every `sweepIntervalMs`, and less often (up to 10×) while sweeps find nothing: then the
   * immediate publishes are keeping up, and on FerretDB each sweep is a collection scan. A failed
   * publish or a sweep that found work brings the interval back at once. A sweep that filled its
   * batch runs again without waiting: a backlog (after a broker outage) drains at the rate the
   * broker confirms, not at one batch per interval (measured: 500 events/s with the 1 s default).
   */
  start(): void {
    const base = this.o.sweepIntervalMs ?? 1_000;
    let delay = base;
    const tick = (wait: number) => {
      this.timer = setTimeout(async () => {
        const confirmed = await this.sweep().catch((err) => {
          this.o.logger.warn({ err }, 'outbox sweep failed');
          return -1;
        });
        delay = confirmed === 0 && !this.missed ? Math.min(delay * 2, base * 10) : base;
        const again = confirmed > 0 && this.full;
        this.missed = false;
        if (this.timer) tick(again ? 0 : delay);
      }, wait);
    };
    // The first round at once: a service restarted after a crash or an outage has a backlog now.
    tick(0);
  }

  /** Stops sweeping and waits for publishes under way. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([this.sweeping, ...this.pending]);
  }

  /** The index the sweep's query needs, on every outbox collection. */
  async ensureIndexes(): Promise<void> {
    await Promise.all(this.o.collections.map((c) => c.createIndex({ outboxPending: 1 }, { name: 'outbox_pending' })));
  }

  /**
   * Documents with unpublished events, per collection, counting at most `limit` each: the backlog
   * gauge runs this at every scrape, so its cost must not grow with an outage's backlog.
   */
  async pendingDocuments(limit = 10_000): Promise<Array<{ collection: string; count: number }>> {
    return Promise.all(
      this.o.collections.map(async (c) => ({ collection: c.collectionName, count: await c.countDocuments({ outboxPending: true }, { limit }) })),
    );
  }

  /** Events still waiting in the outboxes (backlog). */
  async backlog(): Promise<number> {
    let n = 0;
    for (const c of this.o.collections) {
      const docs = await c.find({ outboxPending: true }, { projection: { outbox: 1 } }).toArray();
      n += docs.reduce((sum, d) => sum + (d.outbox?.length ?? 0), 0);
    }
    return n;
  }

  private async sweepOnce(): Promise<number> {
    let confirmed = 0;
    let failure: unknown;
    this.full = false;
    // Every collection gets its turn even when another one keeps failing.
    for (const collection of this.o.collections) {
      try {
        const docs = (await collection
          .find({ outboxPending: true }, { projection: { outbox: 1, version: 1 } })
          .limit(this.o.batchSize ?? 500)
          .toArray()) as OutboxDoc[];
        if (docs.length === (this.o.batchSize ?? 500)) this.full = true;
        // A flag left behind with an empty outbox (a crash between removing the entries and
        // clearing it) would take a place in every batch: clear it.
        const stale = docs.filter((d) => (d.outbox ?? []).length === 0).map((d) => d._id);
        if (stale.length > 0) {
          await withDocLocks(collection, stale, () =>
            collection.updateMany({ _id: { $in: stale }, outboxPending: true, outbox: { $size: 0 } }, { $unset: { outboxPending: '' } }),
          );
        }
        if (docs.length > stale.length) confirmed += await this.flush(collection, docs);
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure) throw failure;
    return confirmed;
  }

  /** One entry to the broker: its envelope only, inside a span that continues the writer's trace. */
  private async publishOne(entry: OutboxEntry): Promise<void> {
    const started = process.hrtime.bigint();
    const event = envelopeOf(entry);
    try {
      await tracePublish(entry, this.o.exchange ?? '', (headers) => this.o.publish(event, headers));
    } catch (err) {
      this.o.observer?.publishFailed?.(event, err);
      throw err;
    }
    this.o.observer?.published?.(event, Number(process.hrtime.bigint() - started) / 1e9);
  }

  private async flush(collection: Collection<any>, docs: OutboxDoc[]): Promise<number> {
    const tasks = docs.flatMap((doc) =>
      (doc.outbox ?? []).filter((e) => !this.inFlight.has(e.eventId)).map((event) => ({ doc, event })),
    );
    if (tasks.length === 0) return 0;
    for (const t of tasks) this.inFlight.add(t.event.eventId);
    try {
      const results = await Promise.allSettled(tasks.map((t) => this.publishOne(t.event)));
      const done = new Map<OutboxDoc, OutboxEntry[]>();
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') done.set(tasks[i]!.doc, [...(done.get(tasks[i]!.doc) ?? []), tasks[i]!.event]);
      });
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (done.size > 0) {
        // Remove exactly the confirmed entries; then drop the flag only if the outbox is empty at
        // that instant (a write that recorded a new event in between keeps it set).
        const ops: AnyBulkWriteOperation<any>[] = [...done].flatMap(([doc, events]) => [
          { updateOne: { filter: { _id: doc._id }, update: { $pullAll: { outbox: events } } as unknown as UpdateFilter<any> } },
          { updateOne: { filter: { _id: doc._id, outboxPending: true, outbox: { $size: 0 } }, update: { $unset: { outboxPending: '' } } } },
        ]);
        // Chunked: FerretDB 1.24 (SQLite) stalls on update batches of ~100 statements and more.
        for (let i = 0; i < ops.length; i += BULK_CHUNK) {
          const chunk = ops.slice(i, i + BULK_CHUNK);
          const ids = chunk.map((op) => ('updateOne' in op ? (op.updateOne.filter._id as ObjectId) : undefined)).filter((id): id is ObjectId => !!id);
          await withDocLocks(collection, ids, () => collection.bulkWrite(chunk, { ordered: true }));
        }
      }
      for (const e of [...done.values()].flat()) {
        this.o.logger.info({ eventId: e.eventId, correlationId: e.correlationId, type: e.type, aggregateId: e.aggregateId, version: e.aggregateVersion }, 'event published');
      }
      const count = [...done.values()].reduce((n, e) => n + e.length, 0);
      if (failed) throw failed.reason;
      return count;
    } finally {
      for (const t of tasks) this.inFlight.delete(t.event.eventId);
    }
  }
}
