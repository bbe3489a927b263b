import DataLoader from 'dataloader';
import { ObjectId } from 'mongodb';

const HEX_ID = /^[0-9a-fA-F]{24}$/;

/**
 * A per-request loader keyed by id hex: all loads of one tick become ONE query through `fetch`,
 * whose results are matched back by `_id`. Missing or malformed ids resolve to null.
 */
export function loaderById<T extends { _id: ObjectId }>(
  fetch: (ids: ObjectId[]) => Promise<T[]>,
): DataLoader<string, T | null> {
  return new DataLoader(async (keys) => {
    const ids = keys.filter((k) => HEX_ID.test(k)).map((k) => new ObjectId(k));
    const docs = ids.length > 0 ? await fetch(ids) : [];
    const byId = new Map(docs.map((d) => [d._id.toHexString(), d]));
    return keys.map((k) => byId.get(k.toLowerCase()) ?? null);
  });
}

/**
 * A per-request loader for one-to-many lookups (reviews of a movie, screenings of a cinema):
 * one query for all parents of a tick, grouped back by `groupKey`.
 */
export function loaderGroupedBy<T, K = string>(
  fetch: (keys: readonly K[]) => Promise<T[]>,
  groupKey: (doc: T) => string,
  cacheKey: (key: K) => string = String,
): DataLoader<K, T[], string> {
  return new DataLoader<K, T[], string>(
    async (keys) => {
      const docs = await fetch(keys);
      const groups = new Map<string, T[]>();
      for (const doc of docs) {
        const k = groupKey(doc);
        const list = groups.get(k);
        if (list) list.push(doc);
        else groups.set(k, [doc]);
      }
      return keys.map((k) => groups.get(cacheKey(k)) ?? []);
    },
    { cacheKeyFn: cacheKey },
  );
}
