import DataLoader from 'dataloader';
import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Filter, type ObjectId, type UpdateFilter } from 'mongodb';
import { bounded } from '@cinema/config';
import { isDuplicateKeyError } from '@cinema/mongo';
import { batchAfter } from './batch-schedule';
import { traceApply } from './trace-context';
import { MAX_VERSION_JUMP, versionVerdict, type Held, type Origin } from './version-rule';

export type ApplyOutcome = 'applied' | 'stale';

/** How the event came (version-rule.ts): live or a resync, and when it happened at the owner. */
export interface ApplyMeta {
  origin?: Origin;
  occurredAt?: Date;
}

interface VersionedWrite {
  id: ObjectId;
  version: number;
  state: object;
  origin: Origin;
  occurredAt: Date;
}

/**
 * What a read model document holds besides its state: `version` (rule 3) and `eventAt`, the
 * occurredAt of the event applied, which the version rule compares with a resync's (a read model
 * without it is never repaired by a resync, only guarded).
 */
const HELD = { version: 1, eventAt: 1 } as const;
const heldOf = (doc: { version?: number; eventAt?: unknown } | null | undefined): Held | undefined =>
  doc && typeof doc.version === 'number' ? { version: doc.version, eventAt: doc.eventAt instanceof Date ? doc.eventAt : undefined } : undefined;
const write = (id: ObjectId, version: number, state: object, meta: ApplyMeta = {}): VersionedWrite => ({
  id,
  version,
  state,
  origin: meta.origin ?? 'live',
  occurredAt: meta.occurredAt ?? new Date(),
});

// A live event's guard also bounds how far ahead it may be (version-rule.ts); a resync's does not.
const guard = (w: VersionedWrite) =>
  ({ _id: w.id, version: w.origin === 'live' ? { $lt: w.version, $gte: w.version - MAX_VERSION_JUMP } : { $lt: w.version } }) as Filter<any>;
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
export function applyVersionedOne<S extends object>(collection: Collection<any>, id: ObjectId, version: number, state: S, meta?: ApplyMeta): Promise<ApplyOutcome> {
  return writeOne(collection, write(id, version, state, meta));
}

/**
 * One guarded upsert. When it misses (the document exists and the guard refused), what is held
 * decides (version-rule.ts): stale, refused, or a resync's repair, written only if the document
 * still holds what was read (another writer may write too).
 */
async function writeOne(collection: Collection<any>, w: VersionedWrite): Promise<ApplyOutcome> {
  const future = versionVerdict(undefined, w);
  if (future instanceof Error) throw future;
  try {
    const result = await collection.updateOne(guard(w), setState(w), { upsert: true });
    if (result.upsertedCount + result.modifiedCount > 0) return 'applied';
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const held = heldOf(await collection.findOne({ _id: w.id }, { projection: HELD }));
    const verdict = versionVerdict(held, w);
    if (verdict instanceof Error) throw verdict;
    if (verdict === 'stale') return 'stale';
    // Only if it still holds what was read; nothing held (it went away?): the guarded upsert again.
    const written = held
      ? await collection.updateOne({ _id: w.id, version: held.version }, setState(w))
      : await collection.updateOne(guard(w), setState(w), { upsert: true }).catch((err) => (isDuplicateKeyError(err) ? undefined : Promise.reject(err)));
    if (written && written.upsertedCount + written.modifiedCount > 0) return 'applied';
  }
  throw new Error(`${collection.collectionName} ${w.id.toHexString()} kept changing while version ${w.version} was applied; retrying`);
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
 * 2. an event the version rule refuses (version-rule.ts: too far ahead, from the future) gets its
 *    error; one not newer than what is held, or than another event of the same entity in the batch
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
  // A first version (an entity's creation) is fresh only where nothing is held, and then an
  // insert is its whole write: a batch of nothing but creations skips the read. One that is held
  // after all (a redelivery) fails the insertMany with a duplicate key, and the batch falls back.
  const docs = writes.every((w) => w.version === 1) ? [] : await heldVersions(collection, ids);
  const held = new Map(docs.map((d) => [String(d._id), heldOf(d)]));
  const now = Date.now();
  const verdicts = writes.map((w) => versionVerdict(held.get(key(w)), w, now));
  // A repair (rare: a resync below a version that cannot be real) goes one by one, below.
  if (verdicts.includes('repair')) return oneByOne(collection, writes);
  // Per entity, the one write that can be fresh: the newest acceptable version, its first copy if redelivered.
  const newest = new Map<string, VersionedWrite>();
  writes.forEach((w, i) => verdicts[i] === 'write' && w.version > (newest.get(key(w))?.version ?? 0) && newest.set(key(w), w));
  const fresh = writes.map((w) => newest.get(key(w)) === w);
  const outcomes = (done: boolean[]) => writes.map((_, i) => (verdicts[i] instanceof Error ? (verdicts[i] as Error) : done[i] ? ('applied' as const) : ('stale' as const)));
  const toWrite = writes.filter((_, i) => fresh[i]);
  if (toWrite.length === 0) return outcomes(fresh);
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
    if (inserted === inserts.length && matched === updates.length) return outcomes(fresh);
  } catch (err) {
    if (!(err instanceof MongoBulkWriteError)) return writes.map(() => err as Error);
  }
  return oneByOne(collection, writes);
}

/** Each write on its own, for its exact outcome. */
async function oneByOne(collection: Collection<any>, writes: readonly VersionedWrite[]): Promise<Array<ApplyOutcome | Error>> {
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

function heldVersions(collection: Collection<any>, ids: ObjectId[]): Promise<Array<{ _id: ObjectId; version?: number; eventAt?: Date }>> {
  const read = collection.find({ _id: { $in: ids } }, { projection: HELD }).toArray();
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
export function applyVersioned<S extends object>(collection: Collection<any>, id: ObjectId, version: number, state: S, meta?: ApplyMeta): Promise<ApplyOutcome> {
  return traceApply(collection.collectionName, { id: id.toHexString(), version }, () => batcherOf(collection).load(write(id, version, state, meta)));
}
