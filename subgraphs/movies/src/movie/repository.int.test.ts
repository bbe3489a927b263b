import { ObjectId } from 'mongodb';
import { testDatabase, type TestDatabase } from '@cinema/testing';
import { MovieRepository } from './repository';

let t: TestDatabase;
let repo: MovieRepository;
let clock = new Date('2026-01-01T00:00:00Z');

beforeAll(async () => {
  t = await testDatabase('movies_repo');
  repo = new MovieRepository(t.db, () => clock);
  await repo.ensureIndexes();
});
afterAll(() => t.drop());

const alien = { title: 'Alien', durationMinutes: 117, genres: ['Horror'], synopsis: null, releaseDate: '1979-05-25' };

describe('MovieRepository (real MongoDB wire server)', () => {
  it('creates live movies at version 1', async () => {
    const doc = await repo.create(alien);
    expect(doc).toMatchObject({ ...alien, version: 1, deletedAt: null });
    expect(await repo.findLive(doc._id)).toEqual(doc);
  });

  it('updates only the fields given, bumps the version and clears with null', async () => {
    const doc = await repo.create({ ...alien, synopsis: 'In space…' });
    clock = new Date('2026-01-02T00:00:00Z');
    const updated = await repo.update(doc._id, { title: 'Aliens', synopsis: null });
    expect(updated).toMatchObject({ title: 'Aliens', synopsis: null, durationMinutes: 117, genres: ['Horror'], version: 2 });
    expect(updated!.updatedAt).toEqual(clock);
    expect(updated!.createdAt).toEqual(doc.createdAt);
    expect(await repo.update(doc._id, { durationMinutes: 137 })).toMatchObject({ version: 3, title: 'Aliens' });
    expect(await repo.update(new ObjectId(), { title: 'Nobody' })).toBeNull();
  });

  it('deletes into a tombstone that keeps its data and still resolves by id', async () => {
    const doc = await repo.create(alien);
    expect(await repo.delete(doc._id)).toBe(true);
    expect(await repo.delete(doc._id)).toBe(false);
    expect(await repo.findLive(doc._id)).toBeNull();
    expect(await repo.update(doc._id, { title: 'Zombie' })).toBeNull();
    const [tomb] = await repo.findByIds([doc._id]);
    expect(tomb).toMatchObject({ title: 'Alien', durationMinutes: 117, version: 2 });
    expect(tomb!.deletedAt).toBeInstanceOf(Date);
  });

  it('pages live movies in creation order with keyset pagination', async () => {
    const all = await repo.list({ limit: 100, after: null });
    expect(all.every((m) => m.deletedAt === null)).toBe(true);
    const page1 = await repo.list({ limit: 1, after: null });
    const page2 = await repo.list({ limit: 5, after: page1[0]!._id });
    expect([...page1, ...page2].map((m) => m._id)).toEqual(all.map((m) => m._id));
    expect(await repo.list({ limit: 0, after: null })).toEqual([]);
  });

  it('loads many movies by id, tombstones included, in a single round-trip', async () => {
    const ids = (await repo.movies.find().toArray()).map((m) => m._id);
    t.resetCommands();
    expect(await repo.findByIds([...ids, new ObjectId()])).toHaveLength(ids.length);
    expect(t.commands).toEqual(['find']);
  });
});
