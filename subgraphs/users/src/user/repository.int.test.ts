import { ObjectId } from 'mongodb';
import { testDatabase, type TestDatabase } from '@cinema/testing';
import { UserRepository } from './repository';

let t: TestDatabase;
let repo: UserRepository;
const c = { correlationId: 'test-request' };

beforeAll(async () => {
  t = await testDatabase('users_repo');
  repo = new UserRepository(t.db);
  await repo.ensureIndexes();
});
afterAll(() => t.drop());

describe('UserRepository (real MongoDB wire server)', () => {
  it('creates users at version 1 and rejects a second registration of the same email', async () => {
    const ann = await repo.create({ email: 'ann@example.com', fullName: 'Ann' }, c);
    expect(ann.version).toBe(1);
    await expect(repo.create({ email: 'ann@example.com', fullName: 'Other' }, c)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(await repo.users.countDocuments({ email: 'ann@example.com' })).toBe(1);
  });

  it('updates a profile and bumps the version; unknown ids change nothing', async () => {
    const bob = await repo.create({ email: 'bob@example.com', fullName: 'Bob' }, c);
    const updated = await repo.updateProfile(bob._id, { fullName: 'Robert' }, c);
    expect(updated).toMatchObject({ fullName: 'Robert', version: 2 });
    expect(await repo.updateProfile(new ObjectId(), { fullName: 'Nobody' }, c)).toBeNull();
  });

  it('records the event of each change, with the new version and state, in the same document', async () => {
    const dee = await repo.create({ email: 'dee@example.com', fullName: 'Dee' }, c);
    await repo.updateProfile(dee._id, { fullName: 'Deirdre' }, c);
    await repo.delete(dee._id, c);
    const stored = await repo.users.findOne({ _id: dee._id });
    const id = dee._id.toHexString();
    // Schema version 2: the e-mail never leaves users (only the name is for other services).
    expect(stored!.outbox!.map((e) => [e.type, e.schemaVersion, e.aggregateVersion, e.data, e.correlationId])).toEqual([
      ['user.created', 2, 1, { id, fullName: 'Dee' }, 'test-request'],
      ['user.profile.updated', 2, 2, { id, fullName: 'Deirdre' }, 'test-request'],
      ['user.deleted', 1, 3, { id }, 'test-request'],
    ]);
    expect(stored!.version).toBe(3);
  });

  it('deletes into a tombstone that erases personal data, frees the email and still resolves by id', async () => {
    const cy = await repo.create({ email: 'cy@example.com', fullName: 'Cy' }, c);
    expect(await repo.delete(cy._id, c)).toBe(true);
    expect(await repo.delete(cy._id, c)).toBe(false);
    expect(await repo.findLive(cy._id)).toBeNull();
    const [tomb] = await repo.findByIds([cy._id]);
    expect(tomb).toMatchObject({ fullName: 'Deleted user', version: 2 });
    expect(tomb!.email).not.toContain('cy@example.com');
    expect(tomb!.deletedAt).toBeInstanceOf(Date);
    await expect(repo.create({ email: 'cy@example.com', fullName: 'Cy again' }, c)).resolves.toBeTruthy();
  });

  it('pages in creation order with keyset pagination', async () => {
    const page1 = await repo.list({ limit: 2, after: null });
    const page2 = await repo.list({ limit: 2, after: page1[1]!._id });
    expect(page1).toHaveLength(2);
    expect(page2.map((u) => u._id.toHexString())).not.toContain(page1[1]!._id.toHexString());
    expect(page2[0]!._id > page1[1]!._id).toBe(true);
    expect([...page1, ...page2].every((u) => u.deletedAt === null)).toBe(true);
  });

  it('loads many users by id in a single round-trip', async () => {
    const ids = (await repo.users.find().toArray()).map((u) => u._id);
    t.resetCommands();
    expect(await repo.findByIds(ids)).toHaveLength(ids.length);
    expect(t.commands).toEqual(['find']);
  });
});
