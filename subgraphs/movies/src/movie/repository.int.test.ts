import { ObjectId } from 'mongodb';
import type { DomainEvent } from '@cinema/events';
import { testDatabase, type TestDatabase } from '@cinema/testing';
import { MovieRepository } from './repository';

let t: TestDatabase;
let repo: MovieRepository;
let clock = new Date('2026-01-01T00:00:00Z');
const c = { correlationId: 'test-request' };
const notified: Array<[string, DomainEvent[]]> = [];

beforeAll(async () => {
  t = await testDatabase('movies_repo');
  repo = new MovieRepository(t.db, { now: () => clock, onEvents: (_c, id, events) => notified.push([id.toHexString(), events]) });
  await repo.ensureIndexes();
});
afterAll(() => t.drop());

const alien = { title: 'Alien', durationMinutes: 117, genres: ['Horror'], synopsis: null, releaseDate: '1979-05-25' };
const outboxOf = async (id: ObjectId) =>
  (await repo.movies.findOne({ _id: id }))!.outbox!.map((e) => [e.type, e.aggregateVersion, e.data, e.correlationId]);

describe('MovieRepository (real MongoDB wire server)', () => {
  it('creates live movies at version 1', async () => {
    const doc = await repo.create(alien, c);
    expect(doc).toMatchObject({ ...alien, version: 1, deletedAt: null });
    expect(await repo.findLive(doc._id)).toEqual(doc);
  });

  it('updates only the fields given, bumps the version and clears with null', async () => {
    const doc = await repo.create({ ...alien, synopsis: 'In space…' }, c);
    clock = new Date('2026-01-02T00:00:00Z');
    const updated = await repo.update(doc._id, { title: 'Aliens', synopsis: null }, c);
    expect(updated).toMatchObject({ title: 'Aliens', synopsis: null, durationMinutes: 117, genres: ['Horror'], version: 2 });
    expect(updated!.updatedAt).toEqual(clock);
    expect(updated!.createdAt).toEqual(doc.createdAt);
    expect(await repo.update(doc._id, { durationMinutes: 137 }, c)).toMatchObject({ version: 3, title: 'Aliens' });
    expect(await repo.update(new ObjectId(), { title: 'Nobody' }, c)).toBeNull();
  });

  it('records the event of each change, with the new version and the whole state, in the same document', async () => {
    notified.length = 0;
    const doc = await repo.create(alien, c);
    await repo.update(doc._id, { title: 'Aliens', genres: ['Horror', 'Action'] }, c);
    await repo.delete(doc._id, c);
    const id = doc._id.toHexString();
    const state = { id, title: 'Alien', durationMinutes: 117, genres: ['Horror'], releaseDate: '1979-05-25', synopsis: null };
    expect(await outboxOf(doc._id)).toEqual([
      ['movie.created', 1, state, 'test-request'],
      ['movie.updated', 2, { ...state, title: 'Aliens', genres: ['Horror', 'Action'] }, 'test-request'],
      ['movie.deleted', 3, { id }, 'test-request'],
    ]);
    expect((await repo.movies.findOne({ _id: doc._id }))!.version).toBe(3);
    // The relay hears of every recorded event at once, so it need not wait for a sweep.
    expect(notified.map(([nid, events]) => [nid, events.map((e) => e.type)])).toEqual([
      [id, ['movie.created']],
      [id, ['movie.updated']],
      [id, ['movie.deleted']],
    ]);
  });

  it('records nothing for a write that changes nothing', async () => {
    notified.length = 0;
    const doc = await repo.create(alien, c);
    await repo.delete(doc._id, c);
    expect(await repo.delete(doc._id, c)).toBe(false);
    expect(await repo.update(doc._id, { title: 'Zombie' }, c)).toBeNull();
    expect((await outboxOf(doc._id)).map(([type]) => type)).toEqual(['movie.created', 'movie.deleted']);
    expect(notified).toHaveLength(2);
  });

  it('deletes into a tombstone that keeps its data and still resolves by id', async () => {
    const doc = await repo.create(alien, c);
    expect(await repo.delete(doc._id, c)).toBe(true);
    expect(await repo.delete(doc._id, c)).toBe(false);
    expect(await repo.findLive(doc._id)).toBeNull();
    expect(await repo.update(doc._id, { title: 'Zombie' }, c)).toBeNull();
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

  it('snapshots every movie as its current state, tombstones as deletions, in id order', async () => {
    const resync = { correlationId: 'resync:test' };
    const docs = await repo.movies.find().sort({ _id: 1 }).toArray();
    const events: DomainEvent[] = [];
    for await (const e of repo.snapshot(resync)) events.push(e);

    expect(await repo.count()).toBe(docs.length);
    expect(events.map((e) => e.aggregateId)).toEqual(docs.map((d) => d._id.toHexString()));
    events.forEach((e, i) => {
      const doc = docs[i]!;
      expect(e).toMatchObject({ aggregateVersion: doc.version, correlationId: 'resync:test', source: 'movies' });
      if (doc.deletedAt) expect(e).toMatchObject({ type: 'movie.deleted', data: { id: e.aggregateId } });
      else expect(e).toMatchObject({ type: 'movie.updated', data: { id: e.aggregateId, title: doc.title, genres: doc.genres } });
    });
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['movie.updated', 'movie.deleted']));
  });
});
