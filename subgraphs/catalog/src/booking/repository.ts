import type { Collection, Db, Filter, ObjectId } from 'mongodb';
import type { Cause } from '@cinema/events';
import { updateWithEvent, withEvent, type OnEvents } from '@cinema/messaging';
import { isDuplicateKeyError } from '@cinema/mongo';
import { afterFilter, type Page } from '@cinema/subgraph-runtime';
import { pageOfEach } from '../paging';
import type { BookingDoc } from './booking';
import { bookingEvent } from './events';
import { evolveBooking, type Transition } from './evolve';

/** What reads return: never the outbox (the relay's). */
const READ = { projection: { outbox: 0 } } as const;

export type NewBooking = Omit<BookingDoc, 'version' | 'outbox' | 'releasePending'>;

/**
 * All MongoDB access for bookings. Every change writes the booking, its version and its event in
 * ONE single-document write (consistency rule 1), through the state machine (evolve.ts).
 */
export class BookingRepository {
  readonly bookings: Collection<BookingDoc>;
  private readonly now: () => Date;
  private readonly onEvents?: OnEvents;

  constructor(db: Db, options: { now?: () => Date; onEvents?: OnEvents } = {}) {
    this.bookings = db.collection<BookingDoc>('bookings');
    this.now = options.now ?? (() => new Date());
    this.onEvents = options.onEvents;
  }

  async ensureIndexes(): Promise<void> {
    // One createIndex each (FerretDB 1.24 panics on a createIndexes of several existing ones).
    await this.bookings.createIndex({ userId: 1, _id: 1 }, { name: 'userId_id' }); // User.bookings
    await this.bookings.createIndex({ status: 1, deadline: 1 }, { name: 'status_deadline' }); // expiry
    await this.bookings.createIndex({ releasePending: 1 }, { name: 'release_pending' }); // the sweeper
  }

  /**
   * Records a booking whose seats are held, with its booking.requested event. Insert-once by id: a
   * duplicate key means the sweeper already closed it as never recorded (seat-holds' reconciliation),
   * and then this booking must not go ahead: false.
   */
  async insert(booking: NewBooking, cause: Cause): Promise<BookingDoc | false> {
    const doc = withEvent({ ...booking, version: 1 }, bookingEvent(booking, 1, cause, booking.createdAt)) as BookingDoc;
    if (doc.status !== 'PENDING') doc.releasePending = true;
    try {
      await this.bookings.insertOne(doc);
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
    this.onEvents?.(this.bookings, doc._id, doc.outbox!);
    return doc;
  }

  /** Applies a transition once (null when it does not apply); a closing one marks the seats for release. */
  transition(id: ObjectId, t: Transition, cause: Cause): Promise<BookingDoc | null> {
    return updateWithEvent(
      this.bookings,
      { _id: id },
      (current, version) => {
        const next = evolveBooking(current, t);
        if (!next) return null;
        const at = this.now();
        const set: Partial<BookingDoc> = { status: next.status, reason: next.reason, updatedAt: at, ...(next.releasesSeats ? { releasePending: true as const } : {}) };
        return { set, event: bookingEvent({ ...current, ...set }, version, cause, at) };
      },
      this.onEvents,
    );
  }

  /** The seats are back in the screening: nothing left to do for this booking. */
  async released(id: ObjectId): Promise<void> {
    await this.bookings.updateOne({ _id: id, releasePending: true }, { $unset: { releasePending: '' } });
  }

  findById(id: ObjectId): Promise<BookingDoc | null> {
    return this.bookings.findOne({ _id: id }, READ);
  }

  findByIds(ids: ObjectId[]): Promise<BookingDoc[]> {
    return this.bookings.find({ _id: { $in: ids } }, READ).toArray();
  }

  /**
   * One page of bookings per user, in the order they were made, in ONE query (User.bookings of many
   * users in one fetch), cut per user as catalog's other lists (paging.ts).
   */
  async pageByUsers(userIds: ObjectId[], page: Page): Promise<Map<string, BookingDoc[]>> {
    if (userIds.length === 0 || page.limit === 0) return pageOfEach<BookingDoc>(userIds, [], (b) => b.userId, 0);
    const query = this.bookings.find(afterFilter<BookingDoc>({ userId: { $in: userIds } }, page), READ).sort({ _id: 1 });
    if (userIds.length === 1) query.limit(page.limit);
    return pageOfEach(userIds, await query.toArray(), (b) => b.userId, page.limit);
  }

  /** PENDING bookings past their deadline, oldest first. */
  overdue(now: Date, limit: number): Promise<BookingDoc[]> {
    return this.bookings.find({ status: 'PENDING', deadline: { $lte: now } }, { ...READ, limit }).sort({ deadline: 1 }).toArray();
  }

  /** Closed bookings whose seats may still be held, last changed before `before`. */
  unreleased(before: Date, limit: number): Promise<BookingDoc[]> {
    return this.bookings.find({ releasePending: true, updatedAt: { $lte: before } } as Filter<BookingDoc>, { ...READ, limit }).toArray();
  }
}
