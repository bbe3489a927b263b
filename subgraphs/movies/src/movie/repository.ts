import { ObjectId, type Collection, type Db } from 'mongodb';
import { afterFilter, type Page } from '@cinema/service-kit';
import type { CreateMovieInput, MovieDoc, UpdateMovieInput } from './movie';

/** All MongoDB access for movies: every write to a movie goes through here and bumps its version. */
export class MovieRepository {
  readonly movies: Collection<MovieDoc>;

  constructor(db: Db, private readonly now: () => Date = () => new Date()) {
    this.movies = db.collection<MovieDoc>('movies');
  }

  async ensureIndexes(): Promise<void> {
    // Lookups are by _id and keyset pages walk _id: the default index serves both.
  }

  async create(input: CreateMovieInput): Promise<MovieDoc> {
    const at = this.now();
    const doc: MovieDoc = { _id: new ObjectId(), ...input, createdAt: at, updatedAt: at, version: 1, deletedAt: null };
    await this.movies.insertOne(doc);
    return doc;
  }

  /** Null when there is no live movie with that id. Only the fields present in `patch` change. */
  async update(id: ObjectId, patch: UpdateMovieInput): Promise<MovieDoc | null> {
    // An undefined value would be stored as null by the driver, silently clearing a field.
    const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    return this.movies.findOneAndUpdate(
      { _id: id, deletedAt: null },
      { $set: { ...changes, updatedAt: this.now() }, $inc: { version: 1 } },
      { returnDocument: 'after' },
    );
  }

  /**
   * Turns a live movie into a tombstone; false when there was none. Unlike a user, a movie holds
   * nothing personal, so its data stays: a past screening in catalog must still show its title.
   */
  async delete(id: ObjectId): Promise<boolean> {
    const at = this.now();
    const result = await this.movies.updateOne(
      { _id: id, deletedAt: null },
      { $set: { deletedAt: at, updatedAt: at }, $inc: { version: 1 } },
    );
    return result.modifiedCount === 1;
  }

  findLive(id: ObjectId): Promise<MovieDoc | null> {
    return this.movies.findOne({ _id: id, deletedAt: null });
  }

  async list(page: Page): Promise<MovieDoc[]> {
    // limit(0) means "no limit" to MongoDB, so an empty page must never reach the server.
    if (page.limit === 0) return [];
    return this.movies
      .find(afterFilter<MovieDoc>({ deletedAt: null }, page))
      .sort({ _id: 1 })
      .limit(page.limit)
      .toArray();
  }

  /** Live movies and tombstones alike: references to a deleted movie must still resolve. */
  findByIds(ids: ObjectId[]): Promise<MovieDoc[]> {
    return this.movies.find({ _id: { $in: ids } }).toArray();
  }
}
