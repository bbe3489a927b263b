import { ObjectId, type Collection, type Db } from 'mongodb';
import type { Page } from '@cinema/subgraph-runtime';
import { keysetAfter, pageOfEach } from '../paging';
import { DEFAULT_CAPACITY, type CinemaDoc, type CreateCinemaInput } from './cinema';

/**
 * No `onEvents` here: no cinema event is in the contract (architecture.md, "Events"), so nothing is
 * published. Documents still carry `version`, ready for the day one is.
 */
export interface CinemaRepositoryOptions {
  now?: () => Date;
}

/** All MongoDB access for cinemas: every write to a cinema goes through here. */
export class CinemaRepository {
  readonly cinemas: Collection<CinemaDoc>;
  private readonly now: () => Date;

  constructor(db: Db, options: CinemaRepositoryOptions = {}) {
    this.cinemas = db.collection<CinemaDoc>('cinemas');
    this.now = options.now ?? (() => new Date());
  }

  async ensureIndexes(): Promise<void> {
    // Serves "the cinemas of these cities, by name" (City.cinemas, catalog) without a collection scan.
    await this.cinemas.createIndex({ cityId: 1, name: 1 }, { name: 'cityId_name' });
  }

  /** The caller checks that the city exists: cities are never deleted, so the check cannot go stale. */
  async create(input: Omit<CreateCinemaInput, 'capacity'> & { capacity?: number }): Promise<CinemaDoc> {
    const doc: CinemaDoc = {
      _id: new ObjectId(),
      cityId: input.cityId,
      name: input.name,
      capacity: input.capacity ?? DEFAULT_CAPACITY,
      createdAt: this.now(),
      version: 1,
    };
    await this.cinemas.insertOne(doc);
    return doc;
  }

  findById(id: ObjectId): Promise<CinemaDoc | null> {
    return this.cinemas.findOne({ _id: id });
  }

  findByIds(ids: ObjectId[]): Promise<CinemaDoc[]> {
    return this.cinemas.find({ _id: { $in: ids } }).toArray();
  }

  /** One page of cinemas of each of these cities in one query, each city's ordered by name (ties by creation). */
  async pageOfEachCity(cityIds: ObjectId[], page: Page): Promise<Map<string, CinemaDoc[]>> {
    if (cityIds.length === 0 || page.limit === 0) return pageOfEach<CinemaDoc>(cityIds, [], (c) => c.cityId, 0);
    const after = await keysetAfter(this.cinemas, 'name', page, 'cinema');
    const query = this.cinemas.find({ cityId: { $in: cityIds }, ...after }).sort({ name: 1, _id: 1 });
    if (cityIds.length === 1) query.limit(page.limit);
    return pageOfEach(cityIds, await query.toArray(), (c) => c.cityId, page.limit);
  }
}
