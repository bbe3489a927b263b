import { ObjectId, type Collection, type Db } from 'mongodb';
import { isDuplicateKeyError } from '@cinema/mongo';
import { badUserInput } from '@cinema/serving';
import type { Page } from '@cinema/subgraph-runtime';
import { keysetAfter } from '../paging';
import { cityNameKey, type CityDoc, type CreateCityInput } from './city';

/**
 * No `onEvents` here: no city event is in the contract (architecture.md, "Events"), so nothing is
 * published. Documents still carry `version`, ready for the day one is.
 */
export interface CityRepositoryOptions {
  now?: () => Date;
}

/** All MongoDB access for cities: every write to a city goes through here. */
export class CityRepository {
  readonly cities: Collection<CityDoc>;
  private readonly now: () => Date;

  constructor(db: Db, options: CityRepositoryOptions = {}) {
    this.cities = db.collection<CityDoc>('cities');
    this.now = options.now ?? (() => new Date());
  }

  async ensureIndexes(): Promise<void> {
    // The unique index, not a check-then-insert, is what keeps two concurrent creates from both winning.
    await this.cities.createIndex({ nameKey: 1 }, { unique: true, name: 'nameKey_unique' });
  }

  async create(input: CreateCityInput): Promise<CityDoc> {
    const doc: CityDoc = {
      _id: new ObjectId(),
      name: input.name,
      nameKey: cityNameKey(input.name),
      createdAt: this.now(),
      version: 1,
    };
    try {
      await this.cities.insertOne(doc);
    } catch (err) {
      if (isDuplicateKeyError(err)) throw badUserInput(`a city named "${input.name}" already exists`, 'input.name');
      throw err;
    }
    return doc;
  }

  findById(id: ObjectId): Promise<CityDoc | null> {
    return this.cities.findOne({ _id: id });
  }

  findByIds(ids: ObjectId[]): Promise<CityDoc[]> {
    return this.cities.find({ _id: { $in: ids } }).toArray();
  }

  /**
   * One page ordered by `nameKey` so "amsterdam" does not sort after "Zurich"; the unique index
   * serves the sort. `nameKey` is unique, so it alone is the keyset; `_id` only breaks no ties.
   */
  async list(page: Page): Promise<CityDoc[]> {
    if (page.limit === 0) return []; // the driver reads limit(0) as "no limit"
    const after = await keysetAfter(this.cities, 'nameKey', page, 'city');
    return this.cities.find(after).sort({ nameKey: 1 }).limit(page.limit).toArray();
  }
}
