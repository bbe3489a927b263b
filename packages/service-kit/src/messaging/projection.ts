import type { Collection, Filter, ObjectId, UpdateFilter } from 'mongodb';
import { isDuplicateKeyError } from '../mongo';
import { withDocLock } from './doc-lock';
import { traceApply } from './trace-context';

export type ApplyOutcome = 'applied' | 'stale';

/**
 * Consistency rule 3: a read model document is replaced by the state an event carries only if the
 * event is newer than what the document holds. If the document holds `version >= v`, the filter
 * misses, the upsert tries to insert the same `_id` and fails with a duplicate key: the event is a
 * duplicate or arrived late, and changes nothing. Tombstones stay, so a late older event after a
 * delete is ignored the same way.
 *
 * A duplicate key can also mean a race: two events of an entity the read model does not hold yet,
 * handled at once (a consumer works on its whole prefetch concurrently), both miss and both insert;
 * if the older wins, the newer gets the duplicate key. Read-model documents are never deleted, so
 * after a duplicate key the document exists and a plain conditional update decides atomically.
 * Measured before this second step: v1 and v2 of a new user applied together lost v2 in 119 of 200
 * runs on FerretDB.
 */
export async function applyVersioned<S extends object>(
  collection: Collection<any>,
  id: ObjectId,
  version: number,
  state: S,
): Promise<ApplyOutcome> {
  const filter = { _id: id, version: { $lt: version } } as Filter<any>;
  const update = { $set: { ...state, version } } as UpdateFilter<any>;
  const traced = { id: id.toHexString(), version };
  return traceApply(collection.collectionName, traced, () => withDocLock(collection, id, async (): Promise<ApplyOutcome> => {
    try {
      const result = await collection.updateOne(filter, update, { upsert: true });
      return result.upsertedCount + result.modifiedCount > 0 ? 'applied' : 'stale';
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const again = await collection.updateOne(filter, update);
      return again.modifiedCount > 0 ? 'applied' : 'stale';
    }
  }));
}
