import DataLoader from 'dataloader';
import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Filter, type ObjectId, type UpdateFilter } from 'mongodb';
import { isDuplicateKeyError } from '../mongo';
import { withDocLock, withDocLocks } from './doc-lock';
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
 * A duplicate key means the document holds `version >= v` (stale or duplicate event), or that two
 * events of an entity the read model did not hold yet raced to insert it. Read-model documents are
 * never deleted, so now the document exists and a plain conditional update decides atomically.
 * Measured before this second step: v1 and v2 of a new user applied together lost v2 in 119 of 200
 * runs on FerretDB.
 */
async function afterDuplicate(collection: Collection<any>, w: VersionedWrite): Promise<ApplyOutcome> {
  const again = await collection.updateOne(guard(w), setState(w));
  return again.modifiedCount > 0 ? 'applied' : 'stale';
}

/**
 * Consistency rule 3, one event at a time: a read model document is replaced by the state an event
 * carries only if the event is newer than what the document holds. If the document holds
 * `version >= v`, the filter misses, the upsert tries to insert the same `_id` and fails with a
 * duplicate key: the event is a duplicate or arrived late, and changes nothing. Tombstones stay,
 * so a late older event after a delete is ignored the same way. Kept beside the batched form below
 * for the bench's on/off comparison and for callers outside a consumer.
 */
export async function applyVersionedOne<S extends object>(collection: Collection<any>, id: ObjectId, version: number, state: S): Promise<ApplyOutcome> {
  return withDocLock(collection, id, () => writeOne(collection, { id, version, state }));
}

/** One guarded upsert; the caller holds the document's lock. */
async function writeOne(collection: Collection<any>, w: VersionedWrite): Promise<ApplyOutcome> {
  try {
    const result = await collection.updateOne(guard(w), setState(w), { upsert: true });
    return result.upsertedCount + result.modifiedCount > 0 ? 'applied' : 'stale';
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    return afterDuplicate(collection, w);
  }
}

// FerretDB 1.24 (SQLite) stalls on update batches of ~100 statements and more (docs/decisions.md).
const MAX_BATCH = 50;

/**
 * A whole batch in one bulkWrite, without a duplicate key in the normal case, because FerretDB 1.24
 * reports a failing statement of a batch wrongly (index 0 and the first statement, whichever failed,
 * and stops there even unordered; measured), so no per-statement error can be trusted:
 * 1. read the versions held for the batch's entities (one query);
 * 2. an event not newer than what is held, or than a later event of the same entity in the batch,
 *    is 'stale' and not written (versions only grow, so it can never become newer);
 * 3. the rest are written with their version guard kept in the filter: a guarded update where the
 *    entity is held, a guarded upsert where it is not.
 * If the bulkWrite fails in any way, every event of the batch is applied again one by one
 * (idempotent: what the batch wrote already comes back 'stale'), so each gets its exact outcome or
 * error and its consumer acks, retries or dead-letters it as before.
 */
async function applyBatch(collection: Collection<any>, writes: readonly VersionedWrite[]): Promise<Array<ApplyOutcome | Error>> {
  const ids = [...new Map(writes.map((w) => [w.id.toHexString(), w.id])).values()];
  const newest = new Map<string, number>();
  for (const w of writes) newest.set(w.id.toHexString(), Math.max(newest.get(w.id.toHexString()) ?? 0, w.version));
  return withDocLocks(collection, ids, async () => {
    // `{ _id }` alone is the one filter FerretDB pushes down to SQL: used when the batch has one entity.
    const filter = ids.length === 1 ? { _id: ids[0] } : { _id: { $in: ids } };
    const held = new Map((await collection.find(filter, { projection: { version: 1 } }).toArray()).map((d) => [String(d._id), d.version as number]));
    const fresh = writes.map((w) => w.version === newest.get(w.id.toHexString()) && w.version > (held.get(w.id.toHexString()) ?? 0));
    const ops: AnyBulkWriteOperation<any>[] = writes
      .filter((_, i) => fresh[i])
      .map((w) => ({ updateOne: { filter: guard(w), update: setState(w), upsert: !held.has(w.id.toHexString()) } }));
    if (ops.length === 0) return writes.map(() => 'stale' as const);
    try {
      const result = await collection.bulkWrite(ops, { ordered: true });
      if (result.matchedCount + result.upsertedCount === ops.length) return fresh.map((f) => (f ? 'applied' : 'stale'));
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) return writes.map(() => err as Error);
    }
    // Some statement failed or matched nothing (another instance wrote first, on MongoDB): exact
    // outcomes one by one. The locks are held, so applyVersionedOne's own lock is not taken again.
    const outcomes: Array<ApplyOutcome | Error> = [];
    for (const w of writes) outcomes.push(await writeOne(collection, w).catch((err: Error) => err));
    return outcomes;
  });
}

/**
 * Per collection, a DataLoader that gathers the writes of the events a consumer handles at once
 * (its prefetch) into one bulkWrite. A batch is dispatched when the one before it finished, so
 * while the database is busy the next batch fills up instead of queueing one statement per event.
 */
const batchers = new WeakMap<Collection<any>, DataLoader<VersionedWrite, ApplyOutcome>>();

function batcherOf(collection: Collection<any>): DataLoader<VersionedWrite, ApplyOutcome> {
  let batcher = batchers.get(collection);
  if (batcher) return batcher;
  let previous: Promise<unknown> = Promise.resolve();
  batcher = new DataLoader<VersionedWrite, ApplyOutcome>(
    (writes) => {
      const done = applyBatch(collection, writes);
      previous = done.catch(() => undefined);
      return done;
    },
    { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (dispatch) => void previous.then(() => setImmediate(dispatch)) },
  );
  batchers.set(collection, batcher);
  return batcher;
}

/**
 * Rule 3 as the consumers use it: resolves when this event's guarded upsert is written (so the
 * consumer acks after the write, rule 4), sharing one bulkWrite with the events handled at the same
 * time. 'stale' for a duplicate or an event older than what is stored.
 */
export function applyVersioned<S extends object>(collection: Collection<any>, id: ObjectId, version: number, state: S): Promise<ApplyOutcome> {
  return traceApply(collection.collectionName, { id: id.toHexString(), version }, () => batcherOf(collection).load({ id, version, state }));
}
