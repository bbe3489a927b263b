import type { MongoClient } from 'mongodb';
import type { ReadModelPair } from './read-models';

export interface Difference {
  id: string;
  kind: 'lost' | 'stale' | 'unexpected' | 'not-deleted' | 'resurrected';
  source?: number;
  replica?: number;
}

/**
 * Compares a read model with its source, entity by entity: every source entity must be in the
 * replica at the same version, deleted exactly when the source is; the replica holds nothing else.
 */
export async function compare(client: MongoClient, pair: ReadModelPair): Promise<{ entities: number; differences: Difference[] }> {
  const fields = { projection: { _id: 1, version: 1, deletedAt: 1, deleted: 1 } };
  const source = await client.db(pair.source.db).collection(pair.source.collection).find({}, fields).toArray();
  const replica = await client.db(pair.replica.db).collection(pair.replica.collection).find({}, fields).toArray();
  const replicas = new Map(replica.map((d) => [String(d._id), d]));
  const differences: Difference[] = [];
  for (const s of source) {
    const id = String(s._id);
    const r = replicas.get(id);
    replicas.delete(id);
    if (!r) differences.push({ id, kind: 'lost', source: s.version });
    else if (r.version !== s.version) differences.push({ id, kind: 'stale', source: s.version, replica: r.version });
    else if (pair.source.isDeleted(s) && !pair.replica.isDeleted(r)) differences.push({ id, kind: 'not-deleted', source: s.version });
    else if (!pair.source.isDeleted(s) && pair.replica.isDeleted(r)) differences.push({ id, kind: 'resurrected', source: s.version });
  }
  for (const [id, r] of replicas) differences.push({ id, kind: 'unexpected', replica: r.version });
  return { entities: source.length, differences };
}
