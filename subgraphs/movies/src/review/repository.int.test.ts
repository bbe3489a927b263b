import { ObjectId } from 'mongodb';
import { testDatabase, type TestDatabase } from '@cinema/testing';
import { ReviewRepository } from './repository';

let t: TestDatabase;
let repo: ReviewRepository;
const c = { correlationId: 'test-request' };
const clock = new Date('2026-01-01T00:00:00Z');
const [alien, heat, quiet] = [new ObjectId(), new ObjectId(), new ObjectId()];
const [ann, bob] = [new ObjectId(), new ObjectId()];

beforeAll(async () => {
  t = await testDatabase('reviews_repo');
  repo = new ReviewRepository(t.db, { now: () => clock });
  await repo.ensureIndexes();
  // Sequential on purpose: creation order is what the pages are sorted by.
  for (const [movieId, authorId, rating] of [
    [alien, ann, 5], [alien, bob, 4], [heat, ann, 2], [alien, ann, 2], [heat, bob, 3],
  ] as const) {
    await repo.create({ movieId, authorId, rating, body: `${rating} stars` }, c);
  }
});
afterAll(() => t.drop());

const ratings = (docs: Array<{ rating: number }> | undefined) => docs?.map((d) => d.rating);

describe('ReviewRepository (real MongoDB wire server)', () => {
  it('creates immutable reviews at version 1, with their review.created event in the same document', async () => {
    const doc = await repo.create({ movieId: quiet, authorId: bob, rating: 1, body: 'Silent.' }, c);
    expect(doc).toMatchObject({ version: 1, rating: 1 });
    const stored = await repo.reviews.findOne({ _id: doc._id });
    expect(stored!.outbox!.map((e) => [e.type, e.aggregateVersion, e.data, e.correlationId])).toEqual([
      [
        'review.created',
        1,
        {
          id: doc._id.toHexString(),
          movieId: quiet.toHexString(),
          authorId: bob.toHexString(),
          rating: 1,
          body: 'Silent.',
          createdAt: '2026-01-01T00:00:00.000Z',
        },
        'test-request',
      ],
    ]);
    await repo.reviews.deleteOne({ _id: doc._id });
  });

  it('tells the relay about the recorded event at once', async () => {
    const told: string[] = [];
    const relayed = new ReviewRepository(t.db, { onEvents: (_c, id, events) => told.push(`${id.toHexString()} ${events[0]!.type}`) });
    const doc = await relayed.create({ movieId: quiet, authorId: ann, rating: 3, body: 'Hm.' }, c);
    expect(told).toEqual([`${doc._id.toHexString()} review.created`]);
    await repo.reviews.deleteOne({ _id: doc._id });
  });

  it('pages the reviews of many movies in ONE query, at most `limit` per movie', async () => {
    t.resetCommands();
    const byMovie = await repo.findByMovies([alien, heat, quiet], { limit: 2, after: null });
    expect(t.commands).toEqual(['find']);
    expect(ratings(byMovie.get(alien.toHexString()))).toEqual([5, 4]);
    expect(ratings(byMovie.get(heat.toHexString()))).toEqual([2, 3]);
    expect(byMovie.get(quiet.toHexString())).toEqual([]);
  });

  it('continues after a cursor', async () => {
    const [first] = (await repo.findByMovies([alien], { limit: 1, after: null })).get(alien.toHexString())!;
    const rest = await repo.findByMovies([alien], { limit: 10, after: first!._id });
    expect(ratings(rest.get(alien.toHexString()))).toEqual([4, 2]);
  });

  it('pages the reviews of many authors in ONE query', async () => {
    t.resetCommands();
    const byAuthor = await repo.findByAuthors([ann, bob], { limit: 10, after: null });
    expect(t.commands).toEqual(['find']);
    expect(ratings(byAuthor.get(ann.toHexString()))).toEqual([5, 2, 2]);
    expect(ratings(byAuthor.get(bob.toHexString()))).toEqual([4, 3]);
  });

  it('sends nothing for an empty batch or an empty page', async () => {
    t.resetCommands();
    expect((await repo.findByMovies([], { limit: 5, after: null })).size).toBe(0);
    expect((await repo.findByMovies([alien], { limit: 0, after: null })).get(alien.toHexString())).toEqual([]);
    expect(await repo.averageRatings([])).toEqual(new Map());
    expect(t.commands).toEqual([]);
  });

  it('averages the ratings of many movies in ONE aggregate; no reviews means absent', async () => {
    t.resetCommands();
    const averages = await repo.averageRatings([alien, heat, quiet]);
    expect(t.commands).toEqual(['aggregate']);
    expect(averages.get(alien.toHexString())).toBeCloseTo(11 / 3);
    expect(averages.get(heat.toHexString())).toBe(2.5);
    expect(averages.has(quiet.toHexString())).toBe(false);
  });
});
