import { ObjectId } from 'mongodb';
import { testDatabase, type TestDatabase } from '@cinema/testing';
import { CinemaRepository } from './repository';

let t: TestDatabase;
let repo: CinemaRepository;
const berlin = new ObjectId();
const lisbon = new ObjectId();
const names = (docs?: Array<{ name: string }>) => docs?.map((c) => c.name);

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
    const byCity = await repo.pageOfEachCity([berlin, lisbon, new ObjectId()], { limit: 100, after: null });
    expect(t.commands).toEqual(['find']);
    expect(names(byCity.get(berlin.toHexString()))).toEqual(['Astor', 'Kino International', 'Zoo Palast']);
    expect(names(byCity.get(lisbon.toHexString()))).toEqual(['Cinema São Jorge']);
    expect(byCity.size).toBe(3); // a city without cinemas has an empty page
  });

  it('cuts one page per city, and pages on by name after the last cinema of the previous page', async () => {
    const first = await repo.pageOfEachCity([berlin, lisbon], { limit: 2, after: null });
    expect(names(first.get(berlin.toHexString()))).toEqual(['Astor', 'Kino International']);
    expect(names(first.get(lisbon.toHexString()))).toEqual(['Cinema São Jorge']);
    const last = first.get(berlin.toHexString())![1]!;
    const next = await repo.pageOfEachCity([berlin], { limit: 2, after: last._id });
    expect(names(next.get(berlin.toHexString()))).toEqual(['Zoo Palast']);
    expect((await repo.pageOfEachCity([berlin], { limit: 0, after: null })).get(berlin.toHexString())).toEqual([]);
    await expect(repo.pageOfEachCity([berlin], { limit: 2, after: new ObjectId() })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('loads many cinemas by id in a single round-trip', async () => {
    const ids = (await repo.cinemas.find().toArray()).map((c) => c._id);
    t.resetCommands();
    expect(await repo.findByIds(ids)).toHaveLength(ids.length);
    expect(t.commands).toEqual(['find']);
  });
});
