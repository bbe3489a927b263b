import { newEvent, type DomainEvent } from '@cinema/events';
import { MongoClient, ObjectId } from 'mongodb';
import { silentLogger, testDatabase, type TestDatabase } from '@cinema/testing';
import { updateWithEvent, withEvent } from './outbox';
import { applyVersioned, applyVersionedOne } from './projection';
import { OutboxRelay } from './relay';

// These race our own writers on one document with nothing of ours ordering them: they rely on
// MongoDB's single-document atomicity and the version guards alone, as two instances of a service
// do. FerretDB honours that since scripts/ferretdb.patch made its updates atomic; before, the
// first test lost the mutation's change 98 times in 100 unless a per-process lock ordered the writes.
let t: TestDatabase;
/** A second client, as another instance of the service would have. */
let other: MongoClient;
beforeAll(async () => {
  t = await testDatabase('concurrency');
  other = await new MongoClient(process.env.MONGO_URL!).connect();
});
afterAll(async () => {
  await other.close();
  await t.drop();
});

const event = (id: ObjectId, version: number, fullName: string) =>
  newEvent(version === 1 ? 'user.created' : 'user.profile.updated', { id: id.toHexString(), version }, { id: id.toHexString(), fullName }, { correlationId: 'race' });

describe('writes racing on one document (real MongoDB wire server)', () => {
  it('a mutation racing the relay removing its confirmed events loses neither the change nor its event', async () => {
    const users = t.db.collection<any>('users');
    const published: DomainEvent[] = [];
    const elsewhere = other.db(t.db.databaseName).collection<any>('users');
    const relay = new OutboxRelay({ collections: [elsewhere], publish: async (e) => void published.push(e), logger: silentLogger });
    for (let i = 0; i < 40; i++) {
      const _id = new ObjectId();
      const first = event(_id, 1, 'A');
      await users.insertOne(withEvent({ _id, fullName: 'A', version: 1 }, first));
      const mutation = updateWithEvent(users, { _id }, (_c, version) => ({ set: { fullName: 'B' }, event: event(_id, version, 'B') }));
      relay.dispatch(elsewhere, _id, [first]);
      await mutation;
      await relay.stop();
      const doc = await users.findOne({ _id });
      expect({ fullName: doc.fullName, version: doc.version }).toEqual({ fullName: 'B', version: 2 });
      expect(doc.outbox.map((e: DomainEvent) => e.aggregateVersion)).toEqual([2]);
      expect(doc.outboxPending).toBe(true);
    }
  });

  it('mutations of one document racing two instances’ relays: every version recorded once, published, removed', async () => {
    const users = t.db.collection<any>('streamed');
    const published = new Map<string, DomainEvent>();
    const relays = [users, other.db(t.db.databaseName).collection<any>('streamed')].map(
      (collection) => new OutboxRelay({ collections: [collection], publish: async (e) => void published.set(e.eventId, e), logger: silentLogger }),
    );
    const _id = new ObjectId();
    await users.insertOne(withEvent({ _id, fullName: 'v1', version: 1 }, event(_id, 1, 'v1')));
    let mutating = true;
    const sweeping = relays.map(async (relay) => {
      while (mutating) await relay.sweep();
    });
    // Three writers, twenty changes each: each change re-reads and retries when another won (version guard).
    const writers = Array.from({ length: 3 }, async () => {
      for (let i = 0; i < 20; i++) {
        await updateWithEvent(users, { _id }, (_c, version) => ({ set: { fullName: `v${version}` }, event: event(_id, version, `v${version}`) }), undefined, 100);
      }
    });
    await Promise.all(writers).finally(() => (mutating = false));
    await Promise.all(sweeping);
    for (const relay of relays) await relay.sweep();
    const doc = await users.findOne({ _id });
    expect({ version: doc.version, fullName: doc.fullName, outbox: doc.outbox, pending: doc.outboxPending }).toEqual({ version: 61, fullName: 'v61', outbox: [], pending: undefined });
    // One event per version, none lost, none recorded twice (a lost write would reuse a version).
    const versions = [...published.values()].map((e) => e.aggregateVersion).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
  });

  it('events of one entity applied concurrently and in any order end at the newest version', async () => {
    const profiles = t.db.collection<any>('profiles');
    for (let i = 0; i < 20; i++) {
      const id = new ObjectId();
      const versions = [1, 2, 3, 4, 5].sort(() => Math.random() - 0.5);
      const outcomes = await Promise.all(versions.map((v) => applyVersioned(profiles, id, v, { fullName: `v${v}` })));
      expect(await profiles.findOne({ _id: id })).toMatchObject({ version: 5, fullName: 'v5' });
      expect(outcomes.filter((o) => o === 'applied').length).toBeGreaterThanOrEqual(1);
    }
  });

  it('a batch of events (one bulkWrite) skips what is stale and writes only the newest per entity', async () => {
    const profiles = t.db.collection<any>('batch');
    const [a, b, c] = [new ObjectId(), new ObjectId(), new ObjectId()];
    await applyVersionedOne(profiles, a, 3, { fullName: 'a3' });
    // Started in one tick: the consumer's prefetch arrives like this and shares one batch.
    const outcomes = await Promise.all([
      applyVersioned(profiles, a, 2, { fullName: 'a2' }),
      applyVersioned(profiles, a, 4, { fullName: 'a4' }),
      applyVersioned(profiles, b, 1, { fullName: 'b1' }),
      applyVersioned(profiles, b, 2, { fullName: 'b2' }),
      applyVersioned(profiles, c, 1, { fullName: 'c1' }),
    ]);
    expect(outcomes).toEqual(['stale', 'applied', 'stale', 'applied', 'applied']);
    const docs = await profiles.find({}, { sort: { _id: 1 } }).toArray();
    expect(docs.map((d) => [d.fullName, d.version])).toEqual([['a4', 4], ['b2', 2], ['c1', 1]]);
    // Redelivered: nothing changes, a creation (inserted without a read) included.
    expect(await applyVersioned(profiles, b, 2, { fullName: 'b2' })).toBe('stale');
    expect(await applyVersioned(profiles, c, 1, { fullName: 'c1 again' })).toBe('stale');
    expect(await profiles.findOne({ _id: c })).toMatchObject({ fullName: 'c1', version: 1 });
  });

  it('a new entity another process inserts just before the batch insertMany is not overwritten', async () => {
    const real = t.db.collection<any>('raced');
    const [first, raced, last] = [new ObjectId(), new ObjectId(), new ObjectId()];
    // Another replica's consumer writes v5 of `raced` as our batch is about to insert it.
    const profiles = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop !== 'insertMany') return Reflect.get(target, prop, receiver);
        return async (...args: Parameters<typeof real.insertMany>) => {
          await real.insertOne({ _id: raced, fullName: 'other', version: 5 });
          return target.insertMany(...args);
        };
      },
    });
    const outcomes = await Promise.all([first, raced, last].map((id, i) => applyVersioned(profiles, id, 1, { fullName: `n${i}` })));
    expect(outcomes[1]).toBe('stale');
    const docs = await real.find({}, { sort: { _id: 1 } }).toArray();
    expect(docs.map((d) => [d.fullName, d.version])).toEqual([['n0', 1], ['other', 5], ['n2', 1]]);
  });
});
