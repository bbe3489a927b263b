import { ObjectId } from 'mongodb';
import { testDatabase, type TestDatabase } from '@cinema/testing';
import { checkSaga } from './saga-consistency';

/** The saga's checker must see each way the saga can go wrong: one that never complains proves nothing. */
let users: TestDatabase;
let catalog: TestDatabase;
beforeAll(async () => {
  [users, catalog] = [await testDatabase('sc_users'), await testDatabase('sc_catalog')];
});
afterAll(() => Promise.all([users, catalog].map((t) => t.drop())));

const dbs = () => ({ users: users.db.databaseName, movies: 'unused', catalog: catalog.db.databaseName });
const at = new Date();
const kinds = async () => {
  const { findings } = await checkSaga(users.client, dbs());
  return findings.map((f) => `${f.kind}: ${f.detail}`);
};

describe('the saga consistency checker', () => {
  it('passes a settled saga and counts every lost, duplicated and unexpected effect', async () => {
    const [ann, screening] = [new ObjectId(), new ObjectId()];
    const [confirmed, expired, cancelled] = [new ObjectId(), new ObjectId(), new ObjectId()];
    const booking = (_id: ObjectId, status: string, seats: number[]) => ({ _id, userId: ann, screeningId: screening, seats, amount: 10 * seats.length, status, version: 2 });
    await users.db.collection('users').insertOne({
      _id: ann, version: 1, deletedAt: null, credits: 80, creditsGranted: 100, creditsVersion: 4,
      ledger: {
        [String(confirmed)]: { amount: 20, state: 'debited', at },
        [String(expired)]: { amount: 10, state: 'rejected', reason: 'closed first', at },
        [String(cancelled)]: { amount: 10, state: 'refunded', at },
      },
    });
    await catalog.db.collection('bookings').insertMany([booking(confirmed, 'CONFIRMED', [1, 2]), booking(expired, 'EXPIRED', [3]), booking(cancelled, 'CANCELLED', [4])]);
    await catalog.db.collection('screenings').insertOne({ _id: screening, capacity: 5, cancelledAt: null, seatsTaken: [1, 2], holds: { [String(confirmed)]: { seats: [1, 2] } } });
    expect(await kinds()).toEqual([]);

    // Break it, one way at a time.
    const usersColl = users.db.collection('users');
    await usersColl.updateOne({ _id: ann }, { $set: { credits: 70 } }); // a second debit of nothing
    expect(await kinds()).toEqual([expect.stringMatching(/^duplicated: user .*credits 70, but granted 100 − debits standing 20 = 80/)]);
    await usersColl.updateOne({ _id: ann }, { $set: { credits: 70, [`ledger.${cancelled}.state`]: 'debited' } }); // a refund that never came
    expect(await kinds()).toEqual([expect.stringMatching(/^lost: booking .*\(CANCELLED\): debited and never refunded/)]);
    await usersColl.updateOne({ _id: ann }, { $set: { credits: 80, [`ledger.${cancelled}.state`]: 'refunded' } });

    const intruder = new ObjectId();
    await catalog.db.collection('bookings').insertOne({ ...booking(intruder, 'PENDING', [2]) }); // seat 2 twice, and in flight
    expect(await kinds()).toEqual(expect.arrayContaining([
      expect.stringMatching(/^lost: booking .*\(PENDING\): still PENDING/),
      expect.stringMatching(/^duplicated: screening .*: seat 2 in live bookings/),
      expect.stringMatching(/^unexpected: booking .*: seat 2 not held/),
    ]));
    await catalog.db.collection('bookings').deleteOne({ _id: intruder });

    await catalog.db.collection('screenings').updateOne({ _id: screening }, { $set: { seatsTaken: [1, 2, 3], [`holds.${expired}`]: { seats: [3] } } });
    expect(await kinds()).toEqual([expect.stringMatching(/^lost: screening .*: seats still held for EXPIRED booking/)]);
  });
});
