import { ObjectId } from 'mongodb';
import { testDatabase, type TestDatabase } from '@cinema/testing';
import { CinemaRepository } from './repository';

let t: TestDatabase;
let repo: CinemaRepository;
const berlin = new ObjectId();
const lisbon = new ObjectId();

beforeAll(async () => {
  t = await testDatabase('catalog_cinemas');
  repo = new CinemaRepository(t.db, { now: () => new Date('2030-01-01T00:00:00Z') });
  await repo.ensureIndexes();
  for (const name of ['Zoo Palast', 'Astor', 'Kino International']) await repo.create({ cityId: berlin, name });
  await repo.create({ cityId: lisbon, name: 'Cinema São Jorge' });
});
afterAll(() => t.drop());

describe('CinemaRepository (real MongoDB wire server)', () => {
  it('creates cinemas at version 1', async () => {
    const cinema = await repo.create({ cityId: new ObjectId(), name: 'Solo' });
    expect(cinema.version).toBe(1);
    expect(await repo.findById(cinema._id)).toEqual(cinema);
  });

  it('lists the cinemas of several cities in one round-trip, each city by name', async () => {
    t.resetCommands();
    const docs = await repo.findByCityIds([berlin, lisbon]);
    expect(t.commands).toEqual(['find']);
    const inBerlin = docs.filter((c) => c.cityId.equals(berlin)).map((c) => c.name);
    expect(inBerlin).toEqual(['Astor', 'Kino International', 'Zoo Palast']);
    expect(docs.filter((c) => c.cityId.equals(lisbon))).toHaveLength(1);
  });

  it('loads many cinemas by id in a single round-trip', async () => {
    const ids = (await repo.cinemas.find().toArray()).map((c) => c._id);
    t.resetCommands();
    expect(await repo.findByIds(ids)).toHaveLength(ids.length);
    expect(t.commands).toEqual(['find']);
  });
});
