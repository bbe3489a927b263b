import { testDatabase, type TestDatabase } from '@cinema/testing';
import { CityRepository } from './repository';

let t: TestDatabase;
let repo: CityRepository;
const at = new Date('2030-01-01T00:00:00Z');

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
    const names = (await repo.list()).map((c) => c.name);
    expect(names).toEqual(['amsterdam', 'Berlin', 'Lisbon', 'Zurich']);
  });

  it('loads many cities by id in a single round-trip', async () => {
    const ids = (await repo.list()).map((c) => c._id);
    t.resetCommands();
    expect(await repo.findByIds(ids)).toHaveLength(ids.length);
    expect(t.commands).toEqual(['find']);
  });
});
