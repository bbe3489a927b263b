import { ObjectId, type Collection, type Db } from 'mongodb';
import type { DomainEvent } from '@cinema/events';
import { applyVersioned, type ApplyOutcome, type Origin } from '@cinema/messaging';

/** The movie state catalog replicates (architecture.md, "Services and ownership"). */
export interface MovieState {
  title: string;
  durationMinutes: number;
  genres: string[];
  releaseDate: string | null;
}

/**
 * Catalog's read model of movies, written only from the movies subgraph's events. A deletion is a
 * tombstone (`deleted: true`) that keeps the last known state, so past screenings keep their title
 * and a late older event is ignored by the version guard. The state fields are absent only when
 * the first event catalog ever saw of a movie was its deletion.
 */
export type MovieReplicaDoc = {
  _id: ObjectId;
  deleted: boolean;
  /** The `aggregateVersion` of the newest event applied. */
  version: number;
  /** When that event happened at the owner (its `occurredAt`): how fresh this copy is. */
  eventAt: Date;
} & Partial<MovieState>;

export type MovieEvent = DomainEvent<'movie.created' | 'movie.updated' | 'movie.deleted'>;
export type MovieChange = Partial<MovieState> & Pick<MovieReplicaDoc, 'deleted' | 'eventAt'>;

/**
 * Pure: the fields an event sets. Events carry the whole state, so no current document is needed.
 * A deletion sets only the tombstone flag, leaving the last title in place.
 */
export function evolveMovie(event: MovieEvent): MovieChange {
  const eventAt = new Date(event.occurredAt);
  if (event.type === 'movie.deleted') return { deleted: true, eventAt };
  const { title, durationMinutes, genres, releaseDate } = event.data;
  return { title, durationMinutes, genres, releaseDate, deleted: false, eventAt };
}

/** The `movies` collection of the catalog database: applying events, and the reads catalog needs. */
export class MovieReplica {
  readonly movies: Collection<MovieReplicaDoc>;

  constructor(db: Db) {
    this.movies = db.collection<MovieReplicaDoc>('movies');
  }

  /**
   * Rule 3: 'stale' for a duplicate or an event older than what is stored; a version the version
   * rule refuses (docs/decisions.md) throws, to be dead-lettered. The id must be valid.
   */
  apply(event: MovieEvent, origin: Origin = 'live'): Promise<ApplyOutcome> {
    return applyVersioned(this.movies, new ObjectId(event.aggregateId), event.aggregateVersion, evolveMovie(event), { origin, occurredAt: new Date(event.occurredAt) });
  }

  findById(id: ObjectId): Promise<MovieReplicaDoc | null> {
    return this.movies.findOne({ _id: id });
  }

  /** Tombstones included: a past screening's movie still has a title. */
  findByIds(ids: ObjectId[]): Promise<MovieReplicaDoc[]> {
    return this.movies.find({ _id: { $in: ids } }).toArray();
  }

  /** An empty replica asks movies for a resync when messaging starts (rule 6). */
  async isEmpty(): Promise<boolean> {
    return (await this.movies.findOne({}, { projection: { _id: 1 } })) === null;
  }
}

/** A movie catalog may reference in a new screening: known, and not deleted. */
export const isSchedulable = (doc: MovieReplicaDoc | null): doc is MovieReplicaDoc & MovieState =>
  doc !== null && !doc.deleted && doc.title !== undefined;

/** What Screening.movieTitle says while the replica does not know the movie yet (a resync fixes it). */
export const UNKNOWN_MOVIE_TITLE = 'Unknown movie';
export const titleOf = (doc: MovieReplicaDoc | null): string => doc?.title ?? UNKNOWN_MOVIE_TITLE;
