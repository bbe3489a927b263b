import { ObjectId, type Collection } from 'mongodb';
import { applyVersioned } from './projection';

/**
 * The batch's scheduling and fallback, against a collection whose answers the test controls (the
 * writes themselves are tested on the real server in concurrency.int.test.ts).
 */
function fakeCollection(name: string, o: { hangFor?: ObjectId; bulkMatches?: (ops: number) => number; bulkError?: Error }) {
  const docs = new Map<string, number>();
  const calls = { find: 0, insert: 0, bulk: 0, one: 0 };
  const collection = {
    dbName: 'unit',
    collectionName: name,
    find: (filter: any) => ({
      toArray: () => {
        calls.find++;
        const ids: ObjectId[] = filter._id.$in;
        if (o.hangFor && ids.some((id) => id.equals(o.hangFor!))) return new Promise(() => undefined);
        return Promise.resolve(ids.filter((id) => docs.has(id.toHexString())).map((id) => ({ _id: id, version: docs.get(id.toHexString()) })));
      },
    }),
    insertMany: async (inserted: any[]) => {
      calls.insert++;
      if (o.bulkError) throw o.bulkError;
      return { insertedCount: o.bulkMatches ? o.bulkMatches(inserted.length) : inserted.length };
    },
    bulkWrite: async (ops: any[]) => {
      calls.bulk++;
      if (o.bulkError) throw o.bulkError;
      return { matchedCount: o.bulkMatches ? o.bulkMatches(ops.length) : ops.length, upsertedCount: 0 };
    },
    findOne: async (filter: any) => {
      const version = docs.get(filter._id.toHexString());
      return version === undefined ? null : { _id: filter._id, version };
    },
    updateOne: async (filter: any, update: any) => {
      calls.one++;
      const held = docs.get(filter._id.toHexString()) ?? 0;
      if (held >= update.$set.version) return { upsertedCount: 0, modifiedCount: 0 };
      docs.set(filter._id.toHexString(), update.$set.version);
      return { upsertedCount: held === 0 ? 1 : 0, modifiedCount: held === 0 ? 0 : 1 };
    },
  };
  return { collection: collection as unknown as Collection<any>, calls, docs };
}

describe('applyVersioned batches', () => {
  it('a slow batch holds its own entities only: the next batch goes after the scheduling bound', async () => {
    const stuck = new ObjectId();
    const { collection } = fakeCollection('stuck', { hangFor: stuck });
    const slow = applyVersioned(collection, stuck, 2, { name: 'never' }).catch((err: Error) => err);
    // Let that batch go out alone (events loaded in the same tick share its batch, and its fate).
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    const other = await applyVersioned(collection, new ObjectId(), 2, { name: 'goes' });
    expect(other).toBe('applied');
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1_900);
    expect(waited).toBeLessThan(4_500);
    expect(await slow).toBeInstanceOf(Error);
  }, 15_000);

  it('a read that never answers fails its batch after the bound and frees its entity for the retry', async () => {
    const id = new ObjectId();
    const hanging = { hangFor: id as ObjectId | undefined };
    const { collection } = fakeCollection('bounded', hanging);
    const started = Date.now();
    // A later version: a batch of creations alone reads nothing.
    await expect(applyVersioned(collection, id, 2, {})).rejects.toThrow(/held versions of bounded took over/);
    expect(Date.now() - started).toBeLessThan(8_000);
    hanging.hangFor = undefined;
    expect(await applyVersioned(collection, id, 2, {})).toBe('applied');
  }, 15_000);

  it('a batch that wrote less than it sent is redone one by one, each event with its own outcome', async () => {
    const { collection, calls } = fakeCollection('short', { bulkMatches: (n) => n - 1 });
    const [a, b] = [new ObjectId(), new ObjectId()];
    const outcomes = await Promise.all([applyVersioned(collection, a, 1, {}), applyVersioned(collection, b, 1, {}), applyVersioned(collection, b, 1, {})]);
    expect(calls).toEqual({ find: 0, insert: 1, bulk: 0, one: 3 });
    expect(outcomes).toEqual(['applied', 'applied', 'stale']);
  });

  it('entities not held yet go in one insertMany, held ones in one bulkWrite of guarded updates', async () => {
    const { collection, calls, docs } = fakeCollection('split', {});
    const [held, fresh] = [new ObjectId(), new ObjectId()];
    docs.set(held.toHexString(), 1);
    const outcomes = await Promise.all([applyVersioned(collection, held, 2, {}), applyVersioned(collection, fresh, 1, {}), applyVersioned(collection, held, 1, {})]);
    expect(calls).toEqual({ find: 1, insert: 1, bulk: 1, one: 0 });
    expect(outcomes).toEqual(['applied', 'applied', 'stale']);
  });

  it('a batch of first versions only is inserted without reading what is held; a held one falls back', async () => {
    const { collection, calls, docs } = fakeCollection('firsts', { bulkMatches: (n) => n - 1 });
    const [held, fresh] = [new ObjectId(), new ObjectId()];
    docs.set(held.toHexString(), 1);
    const outcomes = await Promise.all([applyVersioned(collection, fresh, 1, {}), applyVersioned(collection, held, 1, {})]);
    expect(calls).toEqual({ find: 0, insert: 1, bulk: 0, one: 2 });
    expect(outcomes).toEqual(['applied', 'stale']);
  });

  it('an error that is not a bulk write error fails every event of the batch (each is retried by its consumer)', async () => {
    const { collection } = fakeCollection('down', { bulkError: new Error('connection reset') });
    const results = await Promise.allSettled([applyVersioned(collection, new ObjectId(), 1, {}), applyVersioned(collection, new ObjectId(), 1, {})]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
