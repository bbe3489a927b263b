/**
 * Watches known documents arrive in a read model, by id. A count (`estimatedDocumentCount` or
 * `countDocuments`) is no way to watch on FerretDB: its `count` decodes every document of the
 * collection, and polled every 20 ms over 10 000 profiles it was half of FerretDB's CPU during the
 * outbox drain (perf), so the bench measured its own reads. Here each poll looks up at most 1 000
 * of the ids not seen yet (`_id: {$in}`, an index lookup on MongoDB and on our FerretDB build) and
 * every document is read about once.
 */
import type { Collection, ObjectId } from 'mongodb';

export interface Arrivals {
  seen: number;
  /** performance.now() of the poll that first saw one of them, 0 if none came. */
  first: number;
  /** performance.now() of the poll that saw the last of them (or when the bound ran out). */
  done: number;
}

export async function watchArrivals(collection: Collection<any>, ids: ObjectId[], boundMs: number, everyMs = 20): Promise<Arrivals> {
  // Kept in the order given: producers work through them roughly in that order, so the first
  // chunk is where the next arrivals are.
  let unseen = ids.slice();
  let first = 0;
  const until = Date.now() + boundMs;
  while (unseen.length > 0 && Date.now() < until) {
    const chunk = unseen.slice(0, 1_000);
    const found = await collection.find({ _id: { $in: chunk } }, { projection: { _id: 1 } }).toArray();
    if (found.length > 0) {
      if (first === 0) first = performance.now();
      const got = new Set(found.map((d) => String(d._id)));
      unseen = unseen.filter((id) => !got.has(String(id)));
    }
    if (unseen.length > 0) await new Promise((r) => setTimeout(r, everyMs));
  }
  return { seen: ids.length - unseen.length, first, done: performance.now() };
}
