import { ObjectId } from 'mongodb';
import { testDatabase, type TestDatabase } from '@cinema/testing';
import { UserRepository } from '../user/repository';
import { onClosed, onRequested } from './account';
import { AccountRepository } from './repository';

let t: TestDatabase;
let users: UserRepository;
let accounts: AccountRepository;
const c = { correlationId: 'test-request' };
const booking = (amount: number, status = 'PENDING') => ({ id: new ObjectId().toHexString(), amount, status });

beforeAll(async () => {
  t = await testDatabase('users_accounts');
  users = new UserRepository(t.db);
  accounts = new AccountRepository(t.db);
  await users.ensureIndexes();
});
afterAll(() => t.drop());

const newUser = async () => (await users.create({ email: `${new ObjectId().toHexString()}@example.com`, fullName: 'Ann' }, c))._id;
const stored = async (id: ObjectId) => (await accounts.users.findOne({ _id: id }))!;

describe('AccountRepository (real MongoDB wire server)', () => {
  it('grants credits with credits.granted at the account’s own version; the profile’s version stays', async () => {
    const id = await newUser();
    expect(await accounts.grant(id, 50, 'welcome', c)).toMatchObject({ credits: 50, creditsGranted: 50, creditsVersion: 1, version: 1 });
    await accounts.grant(id, 25, 'again', c);
    const doc = await stored(id);
    expect(doc).toMatchObject({ credits: 75, creditsGranted: 75, creditsVersion: 2, version: 1 });
    expect(doc.outbox!.slice(1).map((e) => [e.type, e.aggregateType, e.aggregateVersion, e.data])).toEqual([
      ['credits.granted', 'credits', 1, { userId: id.toHexString(), amount: 50, reason: 'welcome', balance: 50 }],
      ['credits.granted', 'credits', 2, { userId: id.toHexString(), amount: 25, reason: 'again', balance: 75 }],
    ]);
    expect(await accounts.grant(new ObjectId(), 5, 'nobody', c)).toBeNull();
  });

  it('refuses a grant that would take the balance past a billion, writing nothing', async () => {
    const id = await newUser();
    await accounts.grant(id, 1, 'first', c);
    await accounts.users.updateOne({ _id: id }, { $set: { credits: 999_999_999, creditsGranted: 999_999_999 } }); // a thousand grants later
    expect(await accounts.grant(id, 1, 'to the brim', c)).toMatchObject({ credits: 1_000_000_000 });
    await expect(accounts.grant(id, 1, 'one more', c)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'amount' } });
    expect(await stored(id)).toMatchObject({ credits: 1_000_000_000, creditsVersion: 2 });
  });

  it('debits a booking once however often its request is delivered, even all at once', async () => {
    const id = await newUser();
    await accounts.grant(id, 100, 'welcome', c);
    const b = booking(30);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => accounts.settle(id.toHexString(), b, onRequested, c)));
    expect(outcomes.filter((o) => o === 'debited')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'stale')).toHaveLength(9);
    const doc = await stored(id);
    expect(doc.credits).toBe(70);
    expect(doc.ledger![b.id]).toMatchObject({ amount: 30, state: 'debited' });
    expect(doc.outbox!.filter((e) => e.type === 'credits.debited')).toHaveLength(1);
  });

  it('rejects what the balance does not cover, then refunds a debit once its booking closes, once', async () => {
    const id = await newUser().then(async (u) => (await accounts.grant(u, 40, 'welcome', c), u));
    const [paid, tooDear] = [booking(25), booking(20)];
    expect(await accounts.settle(id.toHexString(), paid, onRequested, c)).toBe('debited');
    expect(await accounts.settle(id.toHexString(), tooDear, onRequested, c)).toBe('rejected');
    expect((await stored(id)).ledger![tooDear.id]).toMatchObject({ state: 'rejected', reason: 'insufficient credits: 15 available, 20 needed' });
    expect(await accounts.settle(id.toHexString(), { ...paid, status: 'CANCELLED' }, onClosed, c)).toBe('refunded');
    expect(await accounts.settle(id.toHexString(), { ...paid, status: 'CANCELLED' }, onClosed, c)).toBe('stale');
    expect(await accounts.settle(id.toHexString(), { ...tooDear, status: 'EXPIRED' }, onClosed, c)).toBe('stale');
    const doc = await stored(id);
    expect(doc.credits).toBe(40);
    expect(doc.outbox!.slice(2).map((e) => [e.type, (e.data as { balance: number }).balance])).toEqual([
      ['credits.debited', 15], ['credits.rejected', 15], ['credits.refunded', 40],
    ]);
  });

  it('never debits a booking that closed before its request arrived', async () => {
    const id = await newUser().then(async (u) => (await accounts.grant(u, 40, 'welcome', c), u));
    const b = booking(10);
    expect(await accounts.settle(id.toHexString(), { ...b, status: 'EXPIRED' }, onClosed, c)).toBe('rejected');
    expect(await accounts.settle(id.toHexString(), b, onRequested, c)).toBe('stale');
    expect((await stored(id)).credits).toBe(40);
  });

  it('refuses an unknown user’s booking once, with its event in a document of its own', async () => {
    const nobody = new ObjectId().toHexString();
    const b = booking(10);
    expect(await accounts.settle(nobody, b, onRequested, c)).toBe('rejected');
    expect(await accounts.settle(nobody, b, onRequested, c)).toBe('stale');
    expect(await accounts.settle(nobody, { ...b, status: 'EXPIRED' }, onClosed, c)).toBe('stale');
    const doc = await accounts.rejections.findOne({ _id: new ObjectId(b.id) });
    expect(doc!.outbox!.map((e) => [e.type, e.data])).toEqual([['credits.rejected', { userId: nobody, bookingId: b.id, amount: 10, reason: 'no such user', balance: null }]]);
  });
});
