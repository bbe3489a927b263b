import { ObjectId } from 'mongodb';
import { testDatabase, type TestDatabase } from '@cinema/testing';
import { ScreeningRepository } from './repository';

let t: TestDatabase;
let repo: ScreeningRepository;
let clock = new Date('2030-01-01T00:00:00Z');
const now = new Date('2030-06-01T00:00:00Z');
const hoursFromNow = (h: number) => new Date(now.getTime() + h * 3_600_000);
const odeon = new ObjectId();
const astor = new ObjectId();
const dune = new ObjectId();

const schedule = (cinemaId: ObjectId, startsAt: Date, isPremiere = false, movieId = dune) =>
  repo.schedule({ cinemaId, movieId, startsAt, isPremiere });

beforeAll(async () => {
  t = await testDatabase('catalog_screenings');
  repo = new ScreeningRepository(t.db, () => clock);
  await repo.ensureIndexes();
});
afterAll(() => t.drop());

describe('ScreeningRepository (real MongoDB wire server)', () => {
  it('schedules at version 1, not cancelled, stamped with the clock', async () => {
    const s = await schedule(odeon, hoursFromNow(48));
    expect(s).toMatchObject({ version: 1, cancelledAt: null, isPremiere: false, createdAt: clock });
  });

  it('cancels once: true and a version bump, then false; unknown ids are false', async () => {
    const s = await schedule(odeon, hoursFromNow(72));
    clock = new Date('2030-02-01T00:00:00Z');
    expect(await repo.cancel(s._id)).toBe(true);
    expect(await repo.cancel(s._id)).toBe(false);
    expect(await repo.cancel(new ObjectId())).toBe(false);
    const [stored] = await repo.findByIds([s._id]);
    expect(stored).toMatchObject({ version: 2, cancelledAt: clock });
  });

  it('lists only upcoming, non-cancelled screenings of each cinema, in time order', async () => {
    await schedule(astor, hoursFromNow(5));
    await schedule(astor, hoursFromNow(-1)); // already started
    await schedule(astor, now, true); // starts exactly now: still upcoming
    await schedule(astor, hoursFromNow(2), true);
    const cancelled = await schedule(astor, hoursFromNow(3), true);
    await repo.cancel(cancelled._id);

    const listed = await repo.upcomingByCinemas([astor], now);
    expect(listed.map((s) => s.startsAt)).toEqual([now, hoursFromNow(2), hoursFromNow(5)]);

    const premieres = await repo.upcomingByCinemas([astor], now, { premieresOnly: true });
    expect(premieres.map((s) => s.startsAt)).toEqual([now, hoursFromNow(2)]);
    expect(premieres.every((s) => s.isPremiere)).toBe(true);
  });

  it('lists upcoming screenings of movies across cinemas', async () => {
    const arrival = new ObjectId();
    await schedule(odeon, hoursFromNow(9), false, arrival);
    await schedule(astor, hoursFromNow(8), true, arrival);
    await schedule(astor, hoursFromNow(-8), false, arrival);
    const listed = await repo.upcomingByMovies([arrival], now);
    expect(listed.map((s) => [s.cinemaId.toHexString(), s.startsAt])).toEqual([
      [astor.toHexString(), hoursFromNow(8)],
      [odeon.toHexString(), hoursFromNow(9)],
    ]);
  });

  it('answers a batch of parents with ONE round-trip', async () => {
    const ids = (await repo.screenings.find().toArray()).map((s) => s._id);
    t.resetCommands();
    await repo.upcomingByCinemas([odeon, astor, new ObjectId()], now, { premieresOnly: true });
    expect(t.commands).toEqual(['find']);
    t.resetCommands();
    await repo.upcomingByMovies([dune, new ObjectId()], now);
    expect(t.commands).toEqual(['find']);
    t.resetCommands();
    expect(await repo.findByIds(ids)).toHaveLength(ids.length);
    expect(t.commands).toEqual(['find']);
  });
});
