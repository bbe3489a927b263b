import { ObjectId } from 'mongodb';
import { testDatabase, type TestDatabase } from '@cinema/testing';
import { CityRepository } from './repository';

let t: TestDatabase;
let repo: CityRepository;
const at = new Date('2030-01-01T00:00:00Z');
const all = { limit: 100, after: null };

beforeAll(async () => {
  t = await testDatabase('catalog_cities');
  repo = new CityRepository(t.db, { now: () => at });
  await repo.ensureIndexes();
});
afterAll(() => t.drop());

describe('CityRepository (real MongoDB wire server)', () => {
  it('creates a city at version 1 with its name key and the clock time', async () => {
    const city = await repo.create({ name: 'Berlin' });
    expect(city).toMatchObject({ name: 'Berlin', nameKey: 'berlin', version: 1, createdAt: at });
    expect(await repo.findById(city._id)).toEqual(city);
  });

  it('rejects a second city with the same name in any case, and stores nothing', async () => {
    await repo.create({ name: 'Lisbon' });
    await expect(repo.create({ name: 'LISBON' })).rejects.toMatchObject({
      message: 'a city named "LISBON" already exists',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.name' },
    });
    expect(await repo.cities.countDocuments({ nameKey: 'lisbon' })).toBe(1);
  });

  it('lists cities by name, case-insensitively', async () => {
    await repo.create({ name: 'amsterdam' });
    await repo.create({ name: 'Zurich' });
    const names = (await repo.list(all)).map((c) => c.name);
    expect(names).toEqual(['amsterdam', 'Berlin', 'Lisbon', 'Zurich']);
  });

  it('pages in name order: `after` is the last city of the previous page; an unknown one is bad input', async () => {
    const first = await repo.list({ limit: 2, after: null });
    expect(first.map((c) => c.name)).toEqual(['amsterdam', 'Berlin']);
    const next = await repo.list({ limit: 2, after: first[1]!._id });
    expect(next.map((c) => c.name)).toEqual(['Lisbon', 'Zurich']);
    expect(await repo.list({ limit: 2, after: next[1]!._id })).toEqual([]);
    expect(await repo.list({ limit: 0, after: null })).toEqual([]);
    await expect(repo.list({ limit: 2, after: new ObjectId() })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
  });

  it('loads many cities by id in a single round-trip', async () => {
    const ids = (await repo.list(all)).map((c) => c._id);
    t.resetCommands();
    expect(await repo.findByIds(ids)).toHaveLength(ids.length);
    expect(t.commands).toEqual(['find']);
  });
});
