import { ObjectId, type Collection, type Db } from 'mongodb';
import type { Cause, DomainEvent } from '@cinema/events';
import { updateWithEvent, type OnEvents, withEvent } from '@cinema/messaging';
import { afterFilter, type Page } from '@cinema/subgraph-runtime';
import {
  movieDeletedEvent,
  movieEvent,
  snapshotEvent,
  type CreateMovieInput,
  type MovieDoc,
  type UpdateMovieInput,
} from './movie';

export interface MovieRepositoryOptions {
  now?: () => Date;
  /** Told about the events each write recorded, so they can be published at once. */
  onEvents?: OnEvents;
}

/**
 * All MongoDB access for movies. Every write changes the document, bumps its version and records
 * its event in the document's outbox in ONE single-document write (consistency rule 1).
 */
export class MovieRepository {
  readonly movies: Collection<MovieDoc>;
  private readonly now: () => Date;
  private readonly onEvents?: OnEvents;

  constructor(db: Db, options: MovieRepositoryOptions = {}) {
    this.movies = db.collection<MovieDoc>('movies');
    this.now = options.now ?? (() => new Date());
    this.onEvents = options.onEvents;
  }

  async ensureIndexes(): Promise<void> {
    // Lookups are by _id and keyset pages walk _id: the default index serves both.
  }

  async create(input: CreateMovieInput, cause: Cause): Promise<MovieDoc> {
    const at = this.now();
    const _id = new ObjectId();
    const event = movieEvent('movie.created', { _id, ...input }, 1, cause);
    const doc: MovieDoc = withEvent({ _id, ...input, createdAt: at, updatedAt: at, version: 1, deletedAt: null }, event);
    await this.movies.insertOne(doc);
    this.onEvents?.(this.movies, _id, doc.outbox!); // the entry, trace context included
    return doc;
  }

  /** Null when there is no live movie with that id. Only the fields present in `patch` change. */
  update(id: ObjectId, patch: UpdateMovieInput, cause: Cause): Promise<MovieDoc | null> {
    // An undefined value would be stored as null by the driver, silently clearing a field.
    const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<MovieDoc>;
    return updateWithEvent(
      this.movies,
      { _id: id, deletedAt: null },
      (current, version) => ({
        set: { ...changes, updatedAt: this.now() },
        // The event carries the whole state after the change, not the patch (event-carried state).
        event: movieEvent('movie.updated', { ...current, ...changes }, version, cause),
      }),
      this.onEvents,
    );
  }

  /**
   * Turns a live movie into a tombstone; false when there was none. Unlike a user, a movie holds
   * nothing personal, so its data stays: a past screening in catalog must still show its title.
   */
  async delete(id: ObjectId, cause: Cause): Promise<boolean> {
    const at = this.now();
    const done = await updateWithEvent(
      this.movies,
      { _id: id, deletedAt: null },
      (_current, version) => ({ set: { deletedAt: at, updatedAt: at }, event: movieDeletedEvent(id, version, cause) }),
      this.onEvents,
    );
    return done !== null;
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

  count(): Promise<number> {
    return this.movies.estimatedDocumentCount();
  }

  /**
   * Every movie's current state as an event, in id order (rule 6: rebuilding a replica). Outboxes
   * are left out of the read: they can be large while the broker is down and a snapshot never
   * needs them.
   */
  async *snapshot(cause: Cause): AsyncIterable<DomainEvent> {
    for await (const doc of this.movies.find({}, { projection: { outbox: 0 } }).sort({ _id: 1 })) {
      yield snapshotEvent(doc, cause);
    }
  }
}
