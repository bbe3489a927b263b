import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import type { Cause, DomainEvent } from '@cinema/events';
import { updateWithEvent, type OnEvents, withEvent } from '@cinema/messaging';
import type { Page } from '@cinema/subgraph-runtime';
import { keysetAfter, pageOfEach } from '../paging';
import { screeningCancelledEvent, screeningScheduledEvent, snapshotEvent } from './events';
import { DEFAULT_PRICE, type CancelReason, type ScheduleScreeningInput, type ScreeningDoc } from './screening';
import { DEFAULT_CAPACITY } from '../cinema/cinema';

/** What reads return: never the outbox (the relay's) nor the holds by booking (the saga's). */
const READ = { projection: { outbox: 0, holds: 0 } } as const;

/** A screening to schedule; price and capacity default as a client's input would (tests omit them). */
export type ScheduleInput = Omit<ScheduleScreeningInput, 'price'> & { price?: number; capacity?: number };

export interface ScreeningRepositoryOptions {
  /** The clock for timestamps and for what counts as "upcoming"; tests pin it. */
  now?: () => Date;
  /** Told about the events each write recorded, so they can be published at once. */
  onEvents?: OnEvents;
}

/**
 * All MongoDB access for screenings. Every write changes the document, bumps its version and
 * records its event in the document's outbox in ONE single-document write (consistency rule 1).
 */
export class ScreeningRepository {
  readonly screenings: Collection<ScreeningDoc>;
  private readonly now: () => Date;
  private readonly onEvents?: OnEvents;

  constructor(db: Db, options: ScreeningRepositoryOptions = {}) {
    this.screenings = db.collection<ScreeningDoc>('screenings');
    this.now = options.now ?? (() => new Date());
    this.onEvents = options.onEvents;
  }

  async ensureIndexes(): Promise<void> {
    // One per way upcoming screenings are listed: by cinema and by movie, both in time order.
    // The movie one also serves cancelling a deleted movie's upcoming screenings.
    // One createIndex each: FerretDB 1.24 panics on a createIndexes of several indexes that all
    // exist already (every restart), dropping the connection.
    await this.screenings.createIndex({ cinemaId: 1, startsAt: 1 }, { name: 'cinemaId_startsAt' });
    await this.screenings.createIndex({ movieId: 1, startsAt: 1 }, { name: 'movieId_startsAt' });
  }

  /**
   * The caller checks the cinema (never deleted, so the check cannot go stale) and the movie
   * (which can be deleted meanwhile: see the scheduleScreening resolver).
   */
  async schedule(input: ScheduleInput, cause: Cause): Promise<ScreeningDoc> {
    const at = this.now();
    const _id = new ObjectId();
    const event = screeningScheduledEvent({ _id, ...input }, 1, cause, at);
    const seats = { capacity: input.capacity ?? DEFAULT_CAPACITY, price: input.price ?? DEFAULT_PRICE, seatsTaken: [], holds: {}, holdSeq: 0 };
    const doc: ScreeningDoc = withEvent({ _id, ...input, ...seats, createdAt: at, version: 1, cancelledAt: null }, event);
    await this.screenings.insertOne(doc);
    this.onEvents?.(this.screenings, _id, doc.outbox!); // the entry, trace context included
    return doc;
  }

  /**
   * The cancelled screening (its holds included), or null when it is unknown or already cancelled.
   * The filter on `cancelledAt: null` plus the version guard of updateWithEvent make concurrent
   * cancellations (a user and a movie deletion, two consumers) cancel once and record ONE event.
   * The cancellation flags the holds for the sweeper in the same write: its bookings are cancelled
   * even if whoever cancelled it dies before doing so (booking/cancel-screening-bookings.ts).
   */
  cancel(id: ObjectId, reason: CancelReason, cause: Cause): Promise<ScreeningDoc | null> {
    return updateWithEvent(
      this.screenings,
      { _id: id, cancelledAt: null },
      (current, version) => {
        const at = this.now();
        return {
          set: { cancelledAt: at, cancelReason: reason, holdsUnchecked: true },
          event: screeningCancelledEvent(current, version, reason, cause, at),
        };
      },
      this.onEvents,
    );
  }

  /**
   * Cancels every upcoming, still-on screening of a movie, one document at a time (each with its
   * own event; FerretDB also stalls on large update batches). Past screenings stay as history.
   * Returns how many this call cancelled: running it again cancels nothing more. `then` runs after
   * each cancellation (its bookings are cancelled there).
   */
  async cancelUpcomingOfMovie(movieId: ObjectId, reason: CancelReason, cause: Cause, then?: (s: ScreeningDoc) => Promise<unknown>): Promise<number> {
    const ids = await this.screenings
      .find({ movieId, startsAt: { $gte: this.now() }, cancelledAt: null }, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .toArray();
    let cancelled = 0;
    for (const { _id } of ids) {
      const doc = await this.cancel(_id, reason, cause);
      if (doc) cancelled++;
      if (doc && then) await then(doc);
    }
    return cancelled;
  }

  findById(id: ObjectId): Promise<ScreeningDoc | null> {
    return this.screenings.findOne({ _id: id }, READ);
  }

  /** Cancelled and past screenings included: references to them must still resolve. */
  findByIds(ids: ObjectId[]): Promise<ScreeningDoc[]> {
    return this.screenings.find({ _id: { $in: ids } }, READ).toArray();
  }

  /** A page of upcoming (from `from` on, not cancelled) screenings of each of these cinemas, in one query. */
  upcomingByCinemas(cinemaIds: ObjectId[], from: Date, page: Page, options: { premieresOnly?: boolean } = {}) {
    const premieres: Filter<ScreeningDoc> = options.premieresOnly ? { isPremiere: true } : {};
    return this.upcoming('cinemaId', cinemaIds, premieres, from, page);
  }

  /** A page of upcoming (from `from` on, not cancelled) screenings of each of these movies, in one query. */
  upcomingByMovies(movieIds: ObjectId[], from: Date, page: Page) {
    return this.upcoming('movieId', movieIds, {}, from, page);
  }

  count(): Promise<number> {
    return this.screenings.estimatedDocumentCount();
  }

  /** Every screening's current state as an event, in id order (rule 6: rebuilding a replica). */
  async *snapshot(cause: Cause): AsyncIterable<DomainEvent> {
    for await (const doc of this.screenings.find({}, READ).sort({ _id: 1 })) {
      yield snapshotEvent(doc, cause);
    }
  }

  // Sorted globally by time, so each parent's group comes out in time order once it is cut per parent.
  // Outboxes are never read here: they are the relay's business and can be large during an outage.
  private async upcoming(parent: 'cinemaId' | 'movieId', ids: ObjectId[], filter: Filter<ScreeningDoc>, from: Date, page: Page) {
    if (ids.length === 0 || page.limit === 0) return pageOfEach<ScreeningDoc>(ids, [], (s) => s[parent], 0);
    const after = await keysetAfter(this.screenings, 'startsAt', page, 'screening');
    const query = this.screenings
      .find({ [parent]: { $in: ids }, ...filter, startsAt: { $gte: from }, cancelledAt: null, ...after }, READ)
      .sort({ startsAt: 1, _id: 1 });
    if (ids.length === 1) query.limit(page.limit);
    return pageOfEach(ids, await query.toArray(), (s) => s[parent], page.limit);
  }
}
