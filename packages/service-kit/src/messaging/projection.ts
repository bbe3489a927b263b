import type { Collection, Filter, ObjectId, UpdateFilter } from 'mongodb';
import { isDuplicateKeyError } from '../mongo';

export type ApplyOutcome = 'applied' | 'stale';

/**
 * Consistency rule 3: a read model document is replaced by the state an event carries only if the
 * event is newer than what the document holds. If the document holds `version >= v`, the filter
 * misses, the upsert tries to insert the same `_id` and fails with a duplicate key: the event is a
 * duplicate or arrived late, and changes nothing. Tombstones stay, so a late older event after a
 * delete is ignored the same way.
 */
export async function applyVersioned<S extends object>(
  collection: Collection<any>,
  id: ObjectId,
  version: number,
  state: S,
): Promise<ApplyOutcome> {
  try {
    const result = await collection.updateOne(
      { _id: id, version: { $lt: version } } as Filter<any>,
      { $set: { ...state, version } } as UpdateFilter<any>,
      { upsert: true },
    );
    return result.upsertedCount + result.modifiedCount > 0 ? 'applied' : 'stale';
  } catch (err) {
    if (isDuplicateKeyError(err)) return 'stale';
    throw err;
  }
}
