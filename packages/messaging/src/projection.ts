import DataLoader from 'dataloader';
import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Filter, type ObjectId, type UpdateFilter } from 'mongodb';
import { bounded } from '@cinema/config';
import { isDuplicateKeyError } from '@cinema/mongo';
import { batchAfter } from './batch-schedule';
import { traceApply } from './trace-context';

export type ApplyOutcome = 'applied' | 'stale';

interface VersionedWrite {
  id: ObjectId;
  version: number;
  state: object;
}

const guard = (w: VersionedWrite) => ({ _id: w.id, version: { $lt: w.version } }) as Filter<any>;
const setState = (w: VersionedWrite) => ({ $set: { ...w.state, version: w.version } }) as UpdateFilter<any>;

/**
 * Consistency rule 3, one event at a time: a read model document is replaced by the state an event
 * carries only if the event is newer than what the document holds. If the document holds
 * `version >= v`, the filter misses, the upsert tries to insert the same `_id` and fails with a
 * duplicate key: the event is a duplicate or arrived late, and changes nothing. Tombstones stay, so
 * a late older event after a delete is ignored the same way.
 *
 * A duplicate key can also mean a race: two events of an entity the read model does not hold yet
 * both miss and both insert; if the older wins, the newer gets the duplicate key. Read-model
 * documents are never deleted, so after a duplicate key the document exists and a plain conditional
 * update decides atomically. Measured before this second step: v1 and v2 of a new user applied
 * together lost v2 in 119 of 200 runs on FerretDB. Both steps are single-document writes, atomic on
 * MongoDB and on our FerretDB build: any number of consumers may apply events of one entity at once.
 *
 * Kept beside the batched form below: it is the batch's fallback and the bench's "off" row.
 */
export function applyVersionedOne<S extends object>(collection: Collection<any>, id: ObjectId, version: number, state: S): Promise<ApplyOutcome> {
  return writeOne(collection, { id, version, state });
}

/** One guarded upsert. */
async function writeOne(collection: Collection<any>, w: VersionedWrite): Promise<ApplyOutcome> {
  try {
    const result = await collection.updateOne(guard(w), setState(w), { upsert: true });
    return result.upsertedCount + result.modifiedCount > 0 ? 'applied' : 'stale';
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    const again = await collection.updateOne(guard(w), setState(w));
    return again.modifiedCount > 0 ? 'applied' : 'stale';
  }
}

/** A consumer's prefetch (50): one batch holds at most what one consumer handles at once. */
const MAX_BATCH = 50;
/** How long the next batch waits for a slow one before it goes (batch-schedule.ts). */
const STUCK_AFTER_MS = 2_000;

/**
 * A whole batch in one insertMany and one bulkWrite, with no duplicate key in the normal case,
 * because FerretDB 1.24 reports a failing statement of a batch wrongly (index 0 and the first
 * statement, whichever failed, and stops there even unordered; measured), so no per-statement
 * error can be trusted:
 * 1. read the versions held for the batch's entities (one `_id $in` query, pushed down to SQL),
 *    unless every event is a first version (below);
 * 2. an event not newer than what is held, or than another event of the same entity in the batch
 *    (or a second copy of one), is 'stale' and not written (versions only grow, so it can never become newer);
 * 3. the rest are written: a guarded update where the entity is held (one bulkWrite), an insert
 *    where it is not (one insertMany).
 * If either fails or writes less than it should (another writer got there first), every
 * event of the batch is applied again one by one (idempotent: what the batch wrote comes back
 * 'stale'), so each gets its exact outcome or error, and its consumer acks, retries or
 * dead-letters it as before.
 */
async function applyBatch(collection: Collection<any>, writes: readonly VersionedWrite[]): Promise<Array<ApplyOutcome | Error>> {
  const key = (w: VersionedWrite) => w.id.toHexString();
  const ids = [...new Map(writes.map((w) => [key(w), w.id])).values()];
  // Per entity, the one write that can be fresh: the newest version, its first copy if redelivered.
  const newest = new Map<string, VersionedWrite>();
  for (const w of writes) if (w.version > (newest.get(key(w))?.version ?? 0)) newest.set(key(w), w);
  // A first version (an entity's creation) is fresh only where nothing is held, and then an
  // insert is its whole write: a batch of nothing but creations skips the read. One that is held
  // after all (a redelivery) fails the insertMany with a duplicate key, and the batch falls back.
  const docs = writes.every((w) => w.version === 1) ? [] : await heldVersions(collection, ids);
  const held = new Map(docs.map((d) => [String(d._id), d.version as number]));
  const fresh = writes.map((w) => newest.get(key(w)) === w && w.version > (held.get(key(w)) ?? 0));
  const toWrite = writes.filter((_, i) => fresh[i]);
  if (toWrite.length === 0) return writes.map(() => 'stale' as const);
  // Entities the read model does not hold yet are inserted in one insertMany, the held ones
  // updated in one bulkWrite, each one command (on FerretDB one SQLite transaction, one fsync).
  // One inserted meanwhile by another writer fails it with a duplicate key, and the batch falls
  // back; one updated meanwhile to a newer version makes its guard miss, and the batch falls back.
  const inserts = toWrite.filter((w) => !held.has(key(w))).map((w) => ({ ...w.state, _id: w.id, version: w.version }));
  const updates: AnyBulkWriteOperation<any>[] = toWrite
    .filter((w) => held.has(key(w)))
    .map((w) => ({ updateOne: { filter: guard(w), update: setState(w) } }));
  try {
    const inserted = inserts.length > 0 ? (await collection.insertMany(inserts, { ordered: true })).insertedCount : 0;
    const matched = updates.length > 0 ? (await collection.bulkWrite(updates, { ordered: true })).matchedCount : 0;
    if (inserted === inserts.length && matched === updates.length) return fresh.map((f) => (f ? 'applied' : 'stale'));
  } catch (err) {
    if (!(err instanceof MongoBulkWriteError)) return writes.map(() => err as Error);
  }
  const outcomes: Array<ApplyOutcome | Error> = [];
  for (const w of writes) outcomes.push(await writeOne(collection, w).catch((err: Error) => err));
  return outcomes;
}

/**
 * How long the batch's read may take before the batch fails and its events go back to their
 * consumer's retry. Measured: a connection the database dropped while the client was checking it
 * out for this read, under CPU contention, was never seen closed, and the read waited for the
 * socket timeout (60 s), holding its events (and, through batch-schedule.ts, the next batch for 2 s).
 * A read changes nothing: giving up on it early is safe, and the retry takes a new connection.
 * The writes get no such bound: a write given up on may still be applied, and its events acked
 * before it settles would break rule 4.
 */
const READ_BOUND_MS = 5_000;

function heldVersions(collection: Collection<any>, ids: ObjectId[]): Promise<Array<{ _id: ObjectId; version?: number }>> {
  const read = collection.find({ _id: { $in: ids } }, { projection: { version: 1 } }).toArray();
  return bounded(read, READ_BOUND_MS, `reading the held versions of ${collection.collectionName} took over ${READ_BOUND_MS} ms`);
}

/**
 * Per collection, a DataLoader gathers the writes of the events a consumer handles at once (its
 * prefetch) into one bulkWrite. A batch is dispatched when the one before it finished, so while the
 * database is busy the next batch fills up instead of queueing one statement per event.
 */
const batchers = new WeakMap<Collection<any>, DataLoader<VersionedWrite, ApplyOutcome>>();

function batcherOf(collection: Collection<any>): DataLoader<VersionedWrite, ApplyOutcome> {
  let batcher = batchers.get(collection);
  if (batcher) return batcher;
  const order = batchAfter(STUCK_AFTER_MS);
  batcher = new DataLoader<VersionedWrite, ApplyOutcome>((writes) => order.track(applyBatch(collection, writes)), {
    cache: false,
    maxBatchSize: MAX_BATCH,
    batchScheduleFn: order.schedule,
  });
  batchers.set(collection, batcher);
  return batcher;
}

/**
 * Rule 3 as the consumers use it: resolves when this event's guarded write is done (so the consumer
 * acks after the write, rule 4), sharing one bulkWrite with the events handled at the same time.
 * 'stale' for a duplicate or an event older than what is stored.
 */
export function applyVersioned<S extends object>(collection: Collection<any>, id: ObjectId, version: number, state: S): Promise<ApplyOutcome> {
  return traceApply(collection.collectionName, { id: id.toHexString(), version }, () => batcherOf(collection).load({ id, version, state }));
}
