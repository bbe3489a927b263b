import type { Collection, Db, Filter, ObjectId, UpdateFilter } from 'mongodb';
import type { ScreeningDoc, SeatHold } from './screening';

/**
 * Seats held by bookings, in the screening's own document: the one place that decides whether a
 * seat is free, with ONE conditional single-document update per hold or release, atomic on every
 * MongoDB. No seat is ever in two live bookings, however many requests race (docs/bookings.md).
 *
 * Correctness rests on the conditions in each filter alone (on our FerretDB build too, whose
 * single-document updates are atomic across connections: docs/decisions.md).
 */
export class SeatHolds {
  readonly screenings: Collection<ScreeningDoc>;

  constructor(db: Db) {
    this.screenings = db.collection<ScreeningDoc>('screenings');
  }

  async ensureIndexes(): Promise<void> {
    await this.screenings.createIndex({ holdsUnchecked: 1 }, { name: 'holds_unchecked' });
  }

  /**
   * Holds `hold.seats` for the booking if the screening is on, has not started, and none of the
   * seats is taken; false otherwise (nothing written). Seat numbers were checked against the
   * capacity by the caller (a screening's capacity never changes), so held seats ≤ capacity.
   */
  async hold(screeningId: ObjectId, bookingId: ObjectId, hold: SeatHold, now: Date): Promise<boolean> {
    const key = `holds.${bookingId.toHexString()}`;
    const filter = { _id: screeningId, cancelledAt: null, startsAt: { $gt: now }, seatsTaken: { $nin: hold.seats }, [key]: { $exists: false } } as Filter<ScreeningDoc>;
    const update = {
      $push: { seatsTaken: { $each: hold.seats } },
      $set: { [key]: hold, holdsUnchecked: true },
      $inc: { holdSeq: 1 },
    } as unknown as UpdateFilter<ScreeningDoc>;
    const result = await this.screenings.updateOne(filter, update);
    return result.modifiedCount === 1;
  }

  /** Frees the booking's seats; false when it holds none here (released already, or never held). */
  async release(screeningId: ObjectId, bookingId: ObjectId, seats: number[]): Promise<boolean> {
    const key = `holds.${bookingId.toHexString()}`;
    const update = { $unset: { [key]: '' }, $pullAll: { seatsTaken: seats } } as unknown as UpdateFilter<ScreeningDoc>;
    const result = await this.screenings.updateOne({ _id: screeningId, [key]: { $exists: true } } as Filter<ScreeningDoc>, update);
    return result.modifiedCount === 1;
  }

  /** Screenings with holds the sweeper has yet to look at (flagged by a hold or a cancellation). */
  unchecked(limit: number): Promise<ScreeningDoc[]> {
    return this.screenings.find({ holdsUnchecked: true }, { projection: { outbox: 0 }, limit }).toArray();
  }

  /**
   * Clears the flag once every hold of the screening was found in order, unless a hold came in
   * (holdSeq) or the screening was cancelled since the sweeper read it: then it looks again.
   */
  async checked(screening: Pick<ScreeningDoc, '_id' | 'holdSeq' | 'cancelledAt'>): Promise<boolean> {
    const filter = { _id: screening._id, holdSeq: screening.holdSeq ?? null, cancelledAt: screening.cancelledAt } as Filter<ScreeningDoc>;
    const result = await this.screenings.updateOne(filter, { $unset: { holdsUnchecked: '' } } as UpdateFilter<ScreeningDoc>);
    return result.modifiedCount === 1;
  }
}
