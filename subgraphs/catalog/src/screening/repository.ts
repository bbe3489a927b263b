import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import type { ScheduleScreeningInput, ScreeningDoc } from './screening';

/** All MongoDB access for screenings: every write to a screening goes through here. */
export class ScreeningRepository {
  readonly screenings: Collection<ScreeningDoc>;

  constructor(db: Db, private readonly now: () => Date = () => new Date()) {
    this.screenings = db.collection<ScreeningDoc>('screenings');
  }

  async ensureIndexes(): Promise<void> {
    // One per way upcoming screenings are listed: by cinema and by movie, both in time order.
    await this.screenings.createIndexes([
      { key: { cinemaId: 1, startsAt: 1 }, name: 'cinemaId_startsAt' },
      { key: { movieId: 1, startsAt: 1 }, name: 'movieId_startsAt' },
    ]);
  }

  /** The caller checks that the cinema exists: cinemas are never deleted, so the check cannot go stale. */
  async schedule(input: ScheduleScreeningInput): Promise<ScreeningDoc> {
    const doc: ScreeningDoc = {
      _id: new ObjectId(),
      ...input,
      createdAt: this.now(),
      version: 1,
      cancelledAt: null,
    };
    await this.screenings.insertOne(doc);
    return doc;
  }

  /** True when a screening that was on is now cancelled; false when unknown or already cancelled. */
  async cancel(id: ObjectId): Promise<boolean> {
    const result = await this.screenings.updateOne(
      { _id: id, cancelledAt: null },
      { $set: { cancelledAt: this.now() }, $inc: { version: 1 } },
    );
    return result.modifiedCount === 1;
  }

  /** Cancelled and past screenings included: references to them must still resolve. */
  findByIds(ids: ObjectId[]): Promise<ScreeningDoc[]> {
    return this.screenings.find({ _id: { $in: ids } }).toArray();
  }

  /** Upcoming (from `from` on, not cancelled) screenings of all these cinemas in one query. */
  upcomingByCinemas(cinemaIds: ObjectId[], from: Date, options: { premieresOnly?: boolean } = {}) {
    const premieres: Filter<ScreeningDoc> = options.premieresOnly ? { isPremiere: true } : {};
    return this.upcoming({ cinemaId: { $in: cinemaIds }, ...premieres }, from);
  }

  /** Upcoming (from `from` on, not cancelled) screenings of all these movies in one query. */
  upcomingByMovies(movieIds: ObjectId[], from: Date) {
    return this.upcoming({ movieId: { $in: movieIds } }, from);
  }

  // Sorted globally by time, so each parent's group comes out in time order once the loader splits it.
  private upcoming(filter: Filter<ScreeningDoc>, from: Date): Promise<ScreeningDoc[]> {
    return this.screenings
      .find({ ...filter, startsAt: { $gte: from }, cancelledAt: null })
      .sort({ startsAt: 1, _id: 1 })
      .toArray();
  }
}
