import { ObjectId } from 'mongodb';
import { PermanentError } from '@cinema/messaging';
import { silentLogger, testDatabase, type TestDatabase } from '@cinema/testing';
import { userCreated, userDeleted, userProfileUpdated } from '../test-user-events';
import { handleUserEvent, UserProfiles } from './user-profiles';

let t: TestDatabase;
let profiles: UserProfiles;
let apply: ReturnType<typeof handleUserEvent>;

beforeAll(async () => {
  t = await testDatabase('movies_user_profiles');
  profiles = new UserProfiles(t.db);
  apply = handleUserEvent(profiles.collection);
});
afterAll(() => t.drop());

const handle = (event: Parameters<typeof apply>[0]) => apply(event, silentLogger);
const stored = (id: ObjectId) => profiles.collection.findOne({ _id: id });

describe('user_profiles projection (real MongoDB wire server)', () => {
  it('starts empty and replicates a created user once', async () => {
    expect(await profiles.isEmpty()).toBe(true);
    const id = new ObjectId();
    const at = new Date('2026-03-01T12:00:00Z');
    await handle(userCreated(id, 'Ann', 1, at));
    expect(await stored(id)).toEqual({ _id: id, fullName: 'Ann', deleted: false, version: 1, eventAt: at });
    expect(await profiles.isEmpty()).toBe(false);
  });

  it('changes nothing when the same event arrives twice', async () => {
    const id = new ObjectId();
    const event = userProfileUpdated(id, 'Bob', 2);
    await handle(userCreated(id, 'Robert'));
    await handle(event);
    const once = await stored(id);
    await handle(event);
    expect(await stored(id)).toEqual(once);
    expect(once).toMatchObject({ fullName: 'Bob', version: 2 });
    expect(await profiles.collection.countDocuments({ _id: id })).toBe(1);
  });

  it('ignores an older version that arrives after a newer one', async () => {
    const id = new ObjectId();
    await handle(userProfileUpdated(id, 'Cy v3', 3));
    await handle(userProfileUpdated(id, 'Cy v2', 2));
    await handle(userCreated(id, 'Cy v1', 1));
    expect(await stored(id)).toMatchObject({ fullName: 'Cy v3', version: 3 });
  });

  it('keeps the tombstone when a profile update arrives after the deletion', async () => {
    const id = new ObjectId();
    await handle(userCreated(id, 'Dee', 1));
    await handle(userDeleted(id, 3));
    await handle(userProfileUpdated(id, 'Deirdre', 2));
    expect(await stored(id)).toMatchObject({ fullName: 'Deleted user', deleted: true, version: 3 });
  });

  it('only ever moves the version forward, whatever the arrival order', async () => {
    const id = new ObjectId();
    const arrivals = [2, 1, 4, 4, 3, 6, 5, 1];
    const seen: number[] = [];
    for (const v of arrivals) {
      await handle(v === 1 ? userCreated(id, 'Eve v1') : userProfileUpdated(id, `Eve v${v}`, v));
      seen.push((await stored(id))!.version);
    }
    // The running maximum of the arrivals: never lower, higher exactly when a newer event came.
    expect(seen).toEqual([2, 2, 4, 4, 4, 6, 6, 6]);
    expect(await stored(id)).toMatchObject({ fullName: 'Eve v6' });
  });

  it('keeps the newest of events about a new user handled at the same time', async () => {
    // The consumer handles up to its prefetch at once: v1 and v2 of one user can race to insert.
    const ids = Array.from({ length: 50 }, () => new ObjectId());
    await Promise.all(ids.map((id) => Promise.all([handle(userCreated(id, 'v1')), handle(userProfileUpdated(id, 'v2', 2))])));
    const docs = await profiles.collection.find({ _id: { $in: ids } }).toArray();
    expect(docs.filter((d) => d.version !== 2 || d.fullName !== 'v2')).toEqual([]);
    expect(docs).toHaveLength(50);
  });

  it('rejects, as permanent, an event whose aggregate id is not a user id', async () => {
    const event = { ...userCreated(new ObjectId(), 'Fay'), aggregateId: 'not-an-id' };
    await expect(handle(event)).rejects.toBeInstanceOf(PermanentError);
    const mismatched = { ...userCreated(new ObjectId(), 'Gil'), aggregateId: new ObjectId().toHexString() };
    await expect(handle(mismatched)).rejects.toBeInstanceOf(PermanentError);
  });

  it('loads many profiles, tombstones included, in one round-trip', async () => {
    const ids = (await profiles.collection.find().toArray()).map((p) => p._id);
    t.resetCommands();
    const found = await profiles.findByIds([...ids, new ObjectId()]);
    expect(found).toHaveLength(ids.length);
    expect(found.some((p) => p.deleted)).toBe(true);
    expect(t.commands).toEqual(['find']);
  });
});
