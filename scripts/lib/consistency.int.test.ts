import { ObjectId } from 'mongodb';
import { testDatabase, type TestDatabase } from '@cinema/testing';
import { checkConsistency, isConsistent } from './consistency';

/** The checker must see each kind of difference: a checker that never complains proves nothing. */
let users: TestDatabase;
let movies: TestDatabase;
let catalog: TestDatabase;
beforeAll(async () => {
  [users, movies, catalog] = [await testDatabase('cc_users'), await testDatabase('cc_movies'), await testDatabase('cc_catalog')];
});
afterAll(() => Promise.all([users, movies, catalog].map((t) => t.drop())));

const dbs = () => ({ users: users.db.databaseName, movies: movies.db.databaseName, catalog: catalog.db.databaseName });
const later = new Date(Date.now() + 7 * 86_400_000);

describe('the consistency checker', () => {
  it('passes a converged system and counts every lost, duplicated and unexpected effect', async () => {
    const [ann, bob, gone, ghost] = [new ObjectId(), new ObjectId(), new ObjectId(), new ObjectId()];
    const [kept, deleted] = [new ObjectId(), new ObjectId()];
    await users.db.collection('users').insertMany([
      { _id: ann, version: 2, deletedAt: null, outbox: [] },
      { _id: bob, version: 1, deletedAt: null, outbox: [] },
      { _id: gone, version: 3, deletedAt: new Date(), outbox: [] },
    ]);
    await movies.db.collection('user_profiles').insertMany([
      { _id: ann, version: 2, deleted: false },
      { _id: bob, version: 1, deleted: false },
      { _id: gone, version: 3, deleted: true },
    ]);
    await movies.db.collection('movies').insertMany([
      { _id: kept, version: 1, deletedAt: null, outbox: [] },
      { _id: deleted, version: 2, deletedAt: new Date(), outbox: [] },
    ]);
    await catalog.db.collection('movies').insertMany([
      { _id: kept, version: 1, deleted: false },
      { _id: deleted, version: 2, deleted: true },
    ]);
    await catalog.db.collection('screenings').insertMany([
      { _id: new ObjectId(), movieId: kept, startsAt: later, version: 1, cancelledAt: null },
      { _id: new ObjectId(), movieId: deleted, startsAt: later, version: 2, cancelledAt: new Date() },
    ]);
    expect(isConsistent(await checkConsistency(users.client, dbs()))).toBe(true);

    // Now break it, one way per kind.
    await users.db.collection('users').updateOne({ _id: ann }, { $set: { version: 3 } }); // replica behind: lost
    await users.db.collection('users').updateOne({ _id: bob }, { $push: { outbox: { eventId: 'e' } } as never }); // unpublished: lost
    await movies.db.collection('user_profiles').insertOne({ _id: ghost, version: 1, deleted: false }); // no source: unexpected
    await catalog.db.collection('screenings').insertMany([
      { _id: new ObjectId(), movieId: deleted, startsAt: later, version: 1, cancelledAt: null }, // not cancelled: lost
      { _id: new ObjectId(), movieId: deleted, startsAt: later, version: 3, cancelledAt: new Date() }, // cancelled twice: duplicated
    ]);
    const report = await checkConsistency(users.client, dbs());
    expect(report).toMatchObject({ lost: 3, duplicated: 1, unexpected: 1 });
    expect(report.details.join('\n')).toMatch(/stale .*source v3, replica v2[\s\S]*unexpected .*v1[\s\S]*/);
  });
});
