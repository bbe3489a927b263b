import type { DomainEvent } from '@cinema/events';
import DataLoader from 'dataloader';
import type { AnyBulkWriteOperation, Collection, ObjectId, UpdateFilter } from 'mongodb';
import type { Logger } from 'pino';
import { batchAfter } from './batch-schedule';
import type { MessagingObserver } from './observer';
import type { OutboxDoc } from './outbox';
import { IDS_PER_LOOKUP, STATEMENTS_PER_WRITE } from './storage-limits';
import { envelopeOf, tracePublish, type OutboxEntry } from './trace-context';

/** How long coalesced removals wait for a slow one before they go (batch-schedule.ts). */
const REMOVAL_STUCK_AFTER_MS = 2_000;
/**
 * How long a removal waits for more confirmed entries to join it, unless a batch's worth (a
 * sweep's) is already waiting. Nothing waits on a removal but the outbox's size: at 200 sign-ups/s
 * the removals went out one or two documents each, a FerretDB transaction apiece.
 */
const REMOVAL_LINGER_MS = 50;

/** What a removal writes: the outbox emptied and its flag dropped in one go. */
const EMPTIED = { $set: { outbox: [] }, $unset: { outboxPending: '' } };

/**
 * The updateMany that empties outboxes holding one confirmed entry each (removeConfirmed says why
 * it is safe). Exported for the bench's database floor, which times this statement alone.
 */
export function singleEntryRemoval(confirmed: ReadonlyArray<readonly [OutboxDoc, readonly OutboxEntry[]]>) {
  const filter = { _id: { $in: confirmed.map(([doc]) => doc._id) }, outbox: { $size: 1 }, 'outbox.eventId': { $in: confirmed.map(([, [e]]) => e!.eventId) } };
  return { filter, update: EMPTIED };
}

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

  /** Per collection: removes confirmed entries, gathered while a removal runs (removerOf). */
  private readonly removers = new Map<Collection<any>, (confirmed: Array<[OutboxDoc, OutboxEntry[]]>) => Promise<void>>();

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
   * Sweeps every `sweepIntervalMs`, and less often (up to 3×) while sweeps find nothing: then the
   * immediate publishes are keeping up. The sweep's query is an index lookup on MongoDB and on our
   * FerretDB build (2 ms at 10 000 documents); the back-off spares an unpatched FerretDB, where it
   * scans the collection, while keeping what a crashed writer left within 3 intervals. A failed
   * publish or a sweep that found work brings the interval back at once. A sweep that filled its
   * batch runs again without waiting: a backlog (after a broker outage) drains at the rate the
   * broker confirms, not at one batch per interval (500 documents a second at most with the 1 s default).
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
        delay = confirmed === 0 && !this.missed ? Math.min(delay * 2, base * 3) : base;
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
        confirmed += await this.sweepBatch(collection, docs);
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure) throw failure;
    return confirmed;
  }

  /** Publishes one batch of a sweep; returns the number of events confirmed. */
  private async sweepBatch(collection: Collection<any>, docs: OutboxDoc[]): Promise<number> {
    // A flag left behind with an empty outbox (a crash between removing the entries and
    // clearing it) would take a place in every batch: clear it.
    const stale = docs.filter((d) => (d.outbox ?? []).length === 0).map((d) => d._id);
    if (stale.length > 0) {
      await collection.updateMany({ _id: { $in: stale }, outboxPending: true, outbox: { $size: 0 } }, { $unset: { outboxPending: '' } });
    }
    return docs.length > stale.length ? this.flush(collection, docs) : 0;
  }

  /**
   * Removes exactly the confirmed entries. Usually a document's outbox holds just what was
   * confirmed, and then its outbox is emptied and its flag dropped in one go:
   * - documents with one confirmed entry (nearly all): ONE updateMany per IDS_PER_LOOKUP, matching
   *   a document only if its outbox is a single entry whose id is among the confirmed ones (event
   *   ids are unique, so that entry is its own confirmed one);
   * - documents with several: one statement each, the outbox pinned by its size and every id.
   * Where fewer matched than were sent, that chunk is done the general way, two statements per
   * document (`$pullAll`, then the flag only if the outbox is empty at that instant), which is
   * idempotent after the first attempt.
   */
  private async removeConfirmed(collection: Collection<any>, done: Map<OutboxDoc, OutboxEntry[]>): Promise<void> {
    const docs = [...done];
    await this.removePinned(collection, docs.filter(([, events]) => events.length === 1), IDS_PER_LOOKUP, async (chunk) => {
      const { filter, update } = singleEntryRemoval(chunk);
      return (await collection.updateMany(filter, update)).matchedCount;
    });
    // Chunked at half the bound, so the general form's two statements per document stay within it.
    await this.removePinned(collection, docs.filter(([, events]) => events.length > 1), STATEMENTS_PER_WRITE / 2, async (chunk) => {
      const ops: AnyBulkWriteOperation<any>[] = chunk.map(([doc, events]) => ({
        updateOne: { filter: { _id: doc._id, outbox: { $size: events.length }, 'outbox.eventId': { $all: events.map((e) => e.eventId) } }, update: EMPTIED },
      }));
      return (await collection.bulkWrite(ops, { ordered: true })).matchedCount;
    });
  }

  /**
   * Chunk by chunk: `write` empties the outboxes it can pin and says how many it matched; a chunk
   * where fewer matched than were sent is done the general way. Every statement is atomic per
   * document and pins what it removes, so a mutation or another relay writing the same documents
   * meanwhile loses nothing.
   */
  private async removePinned(
    collection: Collection<any>,
    docs: Array<[OutboxDoc, OutboxEntry[]]>,
    chunkSize: number,
    write: (chunk: Array<[OutboxDoc, OutboxEntry[]]>) => Promise<number>,
  ): Promise<void> {
    for (let i = 0; i < docs.length; i += chunkSize) {
      const chunk = docs.slice(i, i + chunkSize);
      if ((await write(chunk)) < chunk.length) await this.removeGeneral(collection, chunk);
    }
  }

  /**
   * Removals are coalesced: while one runs, the documents confirmed meanwhile (by every concurrent
   * immediate publish and the sweep) wait and then go out together, in one updateMany. Publishing
   * does not wait for this, only the removal does: under a stream of mutations each one's removal
   * used to be a write of its own, the same number of writes as the mutations themselves. A batch of
   * fewer than STATEMENTS_PER_WRITE documents also waits REMOVAL_LINGER_MS for more to join it.
   */
  private removerOf(collection: Collection<any>): (confirmed: Array<[OutboxDoc, OutboxEntry[]]>) => Promise<void> {
    let remover = this.removers.get(collection);
    if (remover) return remover;
    // Documents handed over since the last batch went out.
    let waiting = 0;
    const order = batchAfter(REMOVAL_STUCK_AFTER_MS, { ms: REMOVAL_LINGER_MS, enough: () => waiting >= STATEMENTS_PER_WRITE });
    const loader = new DataLoader<[OutboxDoc, OutboxEntry[]], void>(
      async (items) => {
        waiting = 0;
        // One document may come twice (a sweep and an immediate publish): its entries together.
        const byId = new Map<string, [OutboxDoc, OutboxEntry[]]>();
        for (const [doc, events] of items) {
          const key = doc._id.toHexString();
          byId.set(key, [doc, [...(byId.get(key)?.[1] ?? []), ...events]]);
        }
        await order.track(this.removeConfirmed(collection, new Map(byId.values())));
        return items.map(() => undefined);
      },
      { cache: false, batchScheduleFn: order.schedule },
    );
    remover = (confirmed) => {
      waiting += confirmed.length;
      return loader.loadMany(confirmed).then(throwFirst);
    };
    this.removers.set(collection, remover);
    return remover;
  }

  /** The general removal, two statements per document. */
  private async removeGeneral(collection: Collection<any>, docs: Array<[OutboxDoc, OutboxEntry[]]>): Promise<void> {
    for (let i = 0; i < docs.length; i += STATEMENTS_PER_WRITE / 2) {
      const general: AnyBulkWriteOperation<any>[] = docs.slice(i, i + STATEMENTS_PER_WRITE / 2).flatMap(([doc, events]) => [
        { updateOne: { filter: { _id: doc._id }, update: { $pullAll: { outbox: events } } as unknown as UpdateFilter<any> } },
        { updateOne: { filter: { _id: doc._id, outboxPending: true, outbox: { $size: 0 } }, update: { $unset: { outboxPending: '' } } } },
      ]);
      await collection.bulkWrite(general, { ordered: true });
    }
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
      if (done.size > 0) await this.removerOf(collection)([...done]);
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

/** loadMany settles every item; the first error among them fails the caller (the sweep retries). */
function throwFirst(results: Array<void | Error>): void {
  const failed = results.find((r): r is Error => r instanceof Error);
  if (failed) throw failed;
}
