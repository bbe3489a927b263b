import { ObjectId, type Collection, type Db } from 'mongodb';
import { afterFilter, badUserInput, isDuplicateKeyError, type Page } from '@cinema/service-kit';
import {
  DELETED_USER_NAME,
  tombstoneEmail,
  type CreateUserInput,
  type UpdateUserProfileInput,
  type UserDoc,
} from './user';

/** All MongoDB access for users: every write to a user goes through here. */
export class UserRepository {
  readonly users: Collection<UserDoc>;

  constructor(db: Db, private readonly now: () => Date = () => new Date()) {
    this.users = db.collection<UserDoc>('users');
  }

  async ensureIndexes(): Promise<void> {
    // Emails are stored lower-cased, so this index makes them unique case-insensitively.
    await this.users.createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
  }

  async create(input: CreateUserInput): Promise<UserDoc> {
    const at = this.now();
    const doc: UserDoc = { _id: new ObjectId(), ...input, createdAt: at, updatedAt: at, version: 1, deletedAt: null };
    try {
      await this.users.insertOne(doc);
    } catch (err) {
      if (isDuplicateKeyError(err)) throw badUserInput('input.email is already registered', 'input.email');
      throw err;
    }
    return doc;
  }

  /** Null when there is no live user with that id. */
  async updateProfile(id: ObjectId, input: UpdateUserProfileInput): Promise<UserDoc | null> {
    return this.users.findOneAndUpdate(
      { _id: id, deletedAt: null },
      { $set: { fullName: input.fullName, updatedAt: this.now() }, $inc: { version: 1 } },
      { returnDocument: 'after' },
    );
  }

  /** Turns a live user into a tombstone; false when there was none. */
  async delete(id: ObjectId): Promise<boolean> {
    const at = this.now();
    const result = await this.users.updateOne(
      { _id: id, deletedAt: null },
      {
        $set: { deletedAt: at, updatedAt: at, email: tombstoneEmail(id), fullName: DELETED_USER_NAME },
        $inc: { version: 1 },
      },
    );
    return result.modifiedCount === 1;
  }

  findLive(id: ObjectId): Promise<UserDoc | null> {
    return this.users.findOne({ _id: id, deletedAt: null });
  }

  async list(page: Page): Promise<UserDoc[]> {
    if (page.limit === 0) return []; // the driver reads limit(0) as "no limit"
    return this.users
      .find(afterFilter<UserDoc>({ deletedAt: null }, page))
      .sort({ _id: 1 })
      .limit(page.limit)
      .toArray();
  }

  /** Live users and tombstones alike: references to a deleted user must still resolve. */
  findByIds(ids: ObjectId[]): Promise<UserDoc[]> {
    return this.users.find({ _id: { $in: ids } }).toArray();
  }
}
