import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import type { Cause } from '@cinema/events';
import { type OnEvents, withEvent } from '@cinema/messaging';
import { afterFilter, type Page } from '@cinema/subgraph-runtime';
import { reviewCreatedEvent, type AddReviewInput, type ReviewDoc } from './review';

/** Reviews grouped by the hex id of their parent (movie or author), each group in creation order. */
export type ReviewsByParent = Map<string, ReviewDoc[]>;

export interface ReviewRepositoryOptions {
  now?: () => Date;
  /** Told about the events each write recorded, so they can be published at once. */
  onEvents?: OnEvents;
}

/** All MongoDB access for reviews. A review is written once, with its event in its own outbox (rule 1). */
export class ReviewRepository {
  readonly reviews: Collection<ReviewDoc>;
  private readonly now: () => Date;
  private readonly onEvents?: OnEvents;

  constructor(db: Db, options: ReviewRepositoryOptions = {}) {
    this.reviews = db.collection<ReviewDoc>('reviews');
    this.now = options.now ?? (() => new Date());
    this.onEvents = options.onEvents;
  }

  async ensureIndexes(): Promise<void> {
    // Each serves one parent's keyset page: equality on the parent, then range and order on _id.
    await this.reviews.createIndex({ movieId: 1, _id: 1 }, { name: 'movie_reviews' });
    await this.reviews.createIndex({ authorId: 1, _id: 1 }, { name: 'author_reviews' });
  }

  /** The caller has checked that the movie is live and the author known. */
  async create(input: AddReviewInput, cause: Cause): Promise<ReviewDoc> {
    const review = { _id: new ObjectId(), ...input, createdAt: this.now(), version: 1 as const };
    const event = reviewCreatedEvent(review, cause);
    const doc: ReviewDoc = withEvent(review, event);
    await this.reviews.insertOne(doc);
    this.onEvents?.(this.reviews, doc._id, doc.outbox!); // the entry, trace context included
    return doc;
  }

  findById(id: ObjectId): Promise<ReviewDoc | null> {
    return this.reviews.findOne({ _id: id }, { projection: { outbox: 0 } });
  }

  findByMovies(movieIds: ObjectId[], page: Page): Promise<ReviewsByParent> {
    return this.pageOfEach('movieId', movieIds, page);
  }

  findByAuthors(authorIds: ObjectId[], page: Page): Promise<ReviewsByParent> {
    return this.pageOfEach('authorId', authorIds, page);
  }

  /**
   * One page per parent in ONE query. The per-parent cut happens here, in memory: a per-group
   * limit needs $facet, $lookup or window operators, none of which FerretDB has. The cost is
   * reading every review of the batch after the cursor, which is fine while reviews per movie
   * stay in the hundreds; beyond that, keep a bounded "latest reviews" array on the parent.
   */
  private async pageOfEach(parent: 'movieId' | 'authorId', ids: ObjectId[], page: Page): Promise<ReviewsByParent> {
    const groups: ReviewsByParent = new Map(ids.map((id) => [id.toHexString(), []]));
    if (ids.length === 0 || page.limit === 0) return groups;
    const filter = afterFilter<ReviewDoc>({ [parent]: { $in: ids } } as Filter<ReviewDoc>, page);
    for (const doc of await this.reviews.find(filter).sort({ _id: 1 }).toArray()) {
      const group = groups.get(doc[parent].toHexString());
      if (group && group.length < page.limit) group.push(doc);
    }
    return groups;
  }

  /**
   * Mean rating per movie in ONE aggregate; movies without reviews are absent. FerretDB 1.24 has
   * no $avg, and computes only the first accumulator of a $group (any further one comes back 0),
   * so this counts reviews per (movie, rating) – at most five rows a movie – and divides here.
   */
  async averageRatings(movieIds: ObjectId[]): Promise<Map<string, number>> {
    if (movieIds.length === 0) return new Map();
    const rows = await this.reviews
      .aggregate<{ _id: { movieId: ObjectId; rating: number }; n: number }>([
        { $match: { movieId: { $in: movieIds } } },
        { $group: { _id: { movieId: '$movieId', rating: '$rating' }, n: { $sum: 1 } } },
      ])
      .toArray();
    const totals = new Map<string, { sum: number; count: number }>();
    for (const { _id, n } of rows) {
      const key = _id.movieId.toHexString();
      const total = totals.get(key) ?? { sum: 0, count: 0 };
      total.sum += _id.rating * n;
      total.count += n;
      totals.set(key, total);
    }
    return new Map([...totals].map(([key, { sum, count }]) => [key, sum / count]));
  }
}
