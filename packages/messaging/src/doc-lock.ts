import type { Collection, ObjectId } from 'mongodb';

/**
 * Serializes this process's writes to one document. MongoDB makes a single-document update
 * atomic, and the outbox and the version guards rely on that; FerretDB 1.24 does not: it reads,
 * filters and rewrites a document without isolation, so two concurrent updates of one document
 * lose one of them (measured: a mutation racing the relay's `$pullAll` lost 98 of 100 times).
 * Every collection here has one writing process, so a per-process lock restores the atomicity
 * there; on MongoDB it is a cheap no-op in effect. More than one instance per service needs MongoDB.
 */
const tails = new Map<string, Promise<void>>();

const keyOf = (collection: Collection<any>, id: ObjectId) => `${collection.dbName}.${collection.collectionName}:${id.toHexString()}`;

export async function withDocLock<T>(collection: Collection<any>, id: ObjectId, fn: () => Promise<T>): Promise<T> {
  const key = keyOf(collection, id);
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const tail = previous.then(() => mine);
  tails.set(key, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}

/** The same for several documents at once, taken in a fixed order so two callers cannot deadlock. */
export function withDocLocks<T>(collection: Collection<any>, ids: ObjectId[], fn: () => Promise<T>): Promise<T> {
  const sorted = [...new Map(ids.map((id) => [id.toHexString(), id])).values()].sort((a, b) => (a.toHexString() < b.toHexString() ? -1 : 1));
  const take = (i: number): Promise<T> => (i === sorted.length ? fn() : withDocLock(collection, sorted[i]!, () => take(i + 1)));
  return take(0);
}
