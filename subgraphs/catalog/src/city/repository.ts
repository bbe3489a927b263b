import { ObjectId, type Collection, type Db } from 'mongodb';
import { badUserInput, isDuplicateKeyError } from '@cinema/service-kit';
import { cityNameKey, type CityDoc, type CreateCityInput } from './city';

/** All MongoDB access for cities: every write to a city goes through here. */
export class CityRepository {
  readonly cities: Collection<CityDoc>;

  constructor(db: Db, private readonly now: () => Date = () => new Date()) {
    this.cities = db.collection<CityDoc>('cities');
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

  /** Ordered by `nameKey` so "amsterdam" does not sort after "Zurich"; the unique index serves the sort. */
  list(): Promise<CityDoc[]> {
    return this.cities.find().sort({ nameKey: 1 }).toArray();
  }
}
