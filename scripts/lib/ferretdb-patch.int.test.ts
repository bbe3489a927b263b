import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { exitWithin, testDatabase, type TestDatabase } from '@cinema/testing';

// scripts/ferretdb.patch makes FerretDB's SQLite backend narrow a query to the _id its filter names
// (equality or $in, beside any other keys) through the _id index, or else to a top-level boolean
// equality through that field's index, lets update/findAndModify close their read before they
// write, writes an update's matches in one transaction, and makes an update, a findAndModify and a
// delete read and write in one write transaction (atomic, as on MongoDB). Narrowing must never
// change an answer: these run on whatever server MONGO_URL is (MongoDB passes them by itself); the
// plan check runs on FerretDB only.
describe('queries by _id (FerretDB with the _id index patch, or MongoDB)', () => {
  let t: TestDatabase;
  const a = new ObjectId();
  const b = new ObjectId();
  const values = async (filter: object) =>
    (await t.db.collection('docs').find(filter).toArray()).map((d) => d.v).sort();

  beforeAll(async () => {
    t = await testDatabase('idindex');
    await t.db.collection('docs').insertMany([
      { _id: a, v: 1 },
      { _id: b, v: 2 },
      { _id: 'text-id' as unknown as ObjectId, v: 3 },
    ]);
  });
  afterAll(() => t.drop());

  it('applies the whole filter, not only its _id', async () => {
    expect(await values({ _id: a, v: 1 })).toEqual([1]);
    expect(await values({ _id: a, v: 2 })).toEqual([]);
    expect(await values({ _id: { $in: [a, b] }, v: { $gt: 1 } })).toEqual([2]);
    expect(await values({ _id: { $in: [a, 'text-id', 5] } })).toEqual([1, 3]);
    expect(await values({ _id: { $in: [] } })).toEqual([]);
    expect(await values({ $or: [{ _id: a }, { v: 2 }] })).toEqual([1, 2]);
  });

  it('updates and deletes only what matches (a versioned write, an upsert, a delete by $in)', async () => {
    const docs = t.db.collection('docs');
    expect((await docs.updateOne({ _id: b, v: 1 }, { $set: { seen: true } })).matchedCount).toBe(0);
    expect((await docs.updateOne({ _id: b, v: 2 }, { $set: { seen: true } })).modifiedCount).toBe(1);
    const fresh = new ObjectId();
    expect((await docs.updateOne({ _id: fresh, v: 9 }, { $set: { seen: true } }, { upsert: true })).upsertedCount).toBe(1);
    expect((await docs.deleteMany({ _id: { $in: [fresh, a] }, v: 9 })).deletedCount).toBe(1);
    expect(await values({})).toEqual([1, 2, 3]);
  });

  it('uses the _id index for an equality beside other keys and for $in (FerretDB only)', async () => {
    const info = await t.db.admin().command({ buildInfo: 1 });
    if (!info.ferretdbVersion) return; // MongoDB plans by itself; nothing of ours to check.
    for (const filter of [{ _id: a, v: 1 }, { _id: { $in: [a, b] } }]) {
      const plan = await t.db.command({ explain: { find: 'docs', filter } });
      expect(plan.filterPushdown).toBe(true);
      expect(JSON.stringify(plan.queryPlanner)).toMatch(/USING INDEX \S+__id_/);
    }
  });

  describe('a top-level boolean equality (an outbox flag)', () => {
    const flags = () => t.db.collection<any>('flags');
    const ids = async (filter: object) => (await flags().find(filter).toArray()).map((d) => d._id).sort();

    beforeAll(async () => {
      await flags().createIndex({ pending: 1 });
      await flags().insertMany(
        [{ pending: true }, { pending: false }, { pending: [false, true] }, {}, { pending: 'true' }, { pending: null }, { pending: { a: true } }, { pending: 1 }, { pending: [] }].map(
          (doc, i) => ({ _id: i + 1, ...doc }) as any,
        ),
      );
    });

    it('narrows without changing an answer: arrays holding it match, strings and numbers do not', async () => {
      expect(await ids({ pending: true })).toEqual([1, 3]);
      expect(await ids({ pending: false })).toEqual([2, 3]);
      expect(await ids({ pending: true, _id: { $gt: 1 } })).toEqual([3]);
      expect(await flags().countDocuments({ pending: true })).toBe(2);
      expect((await flags().updateMany({ pending: true, _id: 3 as any }, { $set: { seen: true } })).modifiedCount).toBe(1);
    });

    it('finds it through the index on that field (FerretDB only)', async () => {
      const info = await t.db.admin().command({ buildInfo: 1 });
      if (!info.ferretdbVersion) return;
      const plan = await t.db.command({ explain: { find: 'flags', filter: { pending: true } } });
      expect(plan.filterPushdown).toBe(true);
      expect(JSON.stringify(plan.queryPlanner)).toMatch(/USING INDEX \S+_pending_1/);
      // A key Go would spell with an escape is not pushed down: SQLite would read another label.
      const escaped = await t.db.command({ explain: { find: 'flags', filter: { 'back\\slash': true } } });
      expect(escaped.filterPushdown).toBe(false);
    });
  });

  // Patched, an update's matches are written in one transaction (one commit), after all are processed.
  describe('an update that matches many documents', () => {
    const many = () => t.db.collection<any>('batched');

    it('writes every match and counts only what changed; findOneAndUpdate still returns the new document', async () => {
      const ids = Array.from({ length: 300 }, () => new ObjectId());
      await many().insertMany(ids.map((_id, i) => ({ _id, group: 'a', v: i % 3 === 0 ? 'done' : 'todo' })));
      const res = await many().updateMany({ _id: { $in: ids }, group: 'a' }, { $set: { v: 'done' } });
      expect([res.matchedCount, res.modifiedCount]).toEqual([300, 200]);
      expect(await many().countDocuments({ group: 'a', v: 'done' })).toBe(300);
      const after = await many().findOneAndUpdate({ _id: ids[0] }, { $set: { v: 'again' } }, { returnDocument: 'after' });
      expect(after?.v).toBe('again');
    });

    it('writes none of them when the update fails on one (FerretDB only: MongoDB keeps the ones before it)', async () => {
      const info = await t.db.admin().command({ buildInfo: 1 });
      if (!info.ferretdbVersion) return;
      const ids = Array.from({ length: 5 }, () => new ObjectId());
      await many().insertMany(ids.map((_id, i) => ({ _id, group: 'b', n: i === 4 ? 'not a number' : 0 })));
      await expect(many().updateMany({ _id: { $in: ids } }, { $inc: { n: 1 } })).rejects.toThrow();
      expect(await many().countDocuments({ group: 'b', n: 1 })).toBe(0);
    });
  });

  // Patched, an update command's statements share one write transaction, each statement in a savepoint.
  it('keeps the statements of an ordered bulkWrite before a failing one, and applies neither it nor those after', async () => {
    const docs = t.db.collection<any>('ordered');
    await docs.insertMany([{ _id: 'a', n: 0 }, { _id: 'b', n: 'not a number' }, { _id: 'c', n: 0 }]);
    const ops = ['a', 'b', 'c'].map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { n: 1 } } } }));
    await expect(docs.bulkWrite(ops, { ordered: true })).rejects.toThrow();
    expect(await docs.find({}, { sort: { _id: 1 } }).toArray()).toEqual([{ _id: 'a', n: 1 }, { _id: 'b', n: 'not a number' }, { _id: 'c', n: 0 }]);
  });

  // Unpatched, each of these left the database deadlocked for good (100 is FerretDB's pool size).
  it('finishes 150 concurrent updates on one database, and a bulkWrite of 150 statements', async () => {
    const client = new MongoClient(process.env.MONGO_URL!, { maxPoolSize: 200, serverSelectionTimeoutMS: 5_000 });
    try {
      const docs = client.db(t.db.databaseName).collection('many');
      const ids = Array.from({ length: 150 }, () => new ObjectId());
      await docs.insertMany(ids.map((_id) => ({ _id, n: 0 })));
      const updated = await Promise.all(ids.map((_id) => docs.updateOne({ _id, n: 0 }, { $inc: { n: 1 } }, { timeoutMS: 20_000 })));
      expect(updated.every((r) => r.modifiedCount === 1)).toBe(true);
      const found = await Promise.all(ids.slice(0, 20).map((_id) => docs.findOneAndUpdate({ _id }, { $inc: { n: 1 } }, { timeoutMS: 20_000 })));
      expect(found.every((d) => d?.n === 1)).toBe(true);
      const bulk = await docs.bulkWrite(ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { n: 1 } } } })), { timeoutMS: 20_000 });
      expect(bulk.modifiedCount).toBe(150);
      expect(await docs.countDocuments({ n: { $gte: 2 } })).toBe(150);
    } finally {
      await client.close();
    }
  }, 60_000);

  // MongoDB makes a single-document update atomic, and the outbox and the version guards rely on it.
  // FerretDB read, filtered and rewrote a document without isolation: of two processes' 600 of these,
  // our previous build kept 99-127, stock 1.24.2 135-147 (docs/decisions.md, "FerretDB updates are atomic").
  describe('one document written by two processes at once', () => {
    const OPS = 300;
    const writer = (tag: string): ChildProcess =>
      spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'race-writer.ts')], {
        env: { ...process.env, RACE_DB: t.db.databaseName, RACE_TAG: tag, RACE_OPS: String(OPS), RACE_IN_FLIGHT: '8' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
    const nextMessage = (child: ChildProcess) => new Promise<any>((resolve) => child.once('message', resolve));

    it('loses no $inc or $push, and each findOneAndUpdate returns a count of its own', async () => {
      await t.db.collection<any>('race').insertOne({ _id: 'race', n: 0, seen: [] });
      const children = [writer('a'), writer('b')];
      const exits = children.map((child) => exitWithin(child, 90_000));
      expect(await Promise.all(children.map(nextMessage))).toEqual(['ready', 'ready']);
      const results = children.map(nextMessage);
      for (const child of children) child.send('go');
      const returned = (await Promise.all(results)).flatMap((r: { returned: number[] }) => r.returned);
      expect(await Promise.all(exits)).toEqual([0, 0]);
      const doc = await t.db.collection<any>('race').findOne({ _id: 'race' });
      // Half of each process's writes were findOneAndUpdate; each saw the document right after its own $inc.
      const counts = { n: doc.n, pushed: new Set(doc.seen).size, returned: returned.length, distinctReturned: new Set(returned).size };
      expect(counts).toEqual({ n: 2 * OPS, pushed: 2 * OPS, returned: OPS, distinctReturned: OPS });
      expect([...doc.seen].sort()).toEqual(['a', 'b'].flatMap((tag) => Array.from({ length: OPS }, (_, i) => `${tag}-${i}`)).sort());
    }, 120_000);
  });
});
