import { ObjectId, type Collection, type Db } from 'mongodb';
import type { Cause, DomainEvent } from '@cinema/events';
import { isDuplicateKeyError } from '@cinema/mongo';
import { badUserInput } from '@cinema/serving';
import { updateWithEvent, type OnEvents, withEvent } from '@cinema/messaging';
import { afterFilter, type Page } from '@cinema/subgraph-runtime';
import {
  DELETED_USER_NAME,
  snapshotEvent,
  tombstoneEmail,
  userDeletedEvent,
  userEvent,
  type CreateUserInput,
  type UpdateUserProfileInput,
  type UserDoc,
} from './user';

/** What reads return: never the outbox (the relay's) nor the credit ledger (the saga's, unbounded). */
const READ = { projection: { outbox: 0, ledger: 0 } } as const;

export interface UserRepositoryOptions {
  now?: () => Date;
  /** Told about the events each write recorded, so they can be published at once. */
  onEvents?: OnEvents;
}

/**
 * All MongoDB access for users. Every write changes the document, bumps its version and records
 * its event in the document's outbox in ONE single-document write (consistency rule 1).
 */
export class UserRepository {
  readonly users: Collection<UserDoc>;
  private readonly now: () => Date;
  private readonly onEvents?: OnEvents;

  constructor(db: Db, options: UserRepositoryOptions = {}) {
    this.users = db.collection<UserDoc>('users');
    this.now = options.now ?? (() => new Date());
    this.onEvents = options.onEvents;
  }

  async ensureIndexes(): Promise<void> {
    // Emails are stored lower-cased, so this index makes them unique case-insensitively.
    await this.users.createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
  }

  async create(input: CreateUserInput, cause: Cause): Promise<UserDoc> {
    const at = this.now();
    const _id = new ObjectId();
    const event = userEvent('user.created', { _id, ...input }, 1, cause);
    const doc: UserDoc = withEvent({ _id, ...input, createdAt: at, updatedAt: at, version: 1, deletedAt: null as Date | null }, event);
    try {
      await this.users.insertOne(doc);
    } catch (err) {
      if (isDuplicateKeyError(err)) throw badUserInput('input.email is already registered', 'input.email');
      throw err;
    }
    this.onEvents?.(this.users, _id, doc.outbox!); // the entry, trace context included
    return doc;
  }

  /** Null when there is no live user with that id. */
  updateProfile(id: ObjectId, input: UpdateUserProfileInput, cause: Cause): Promise<UserDoc | null> {
    return updateWithEvent(
      this.users,
      { _id: id, deletedAt: null },
      (current, version) => ({
        set: { fullName: input.fullName, updatedAt: this.now() },
        event: userEvent('user.profile.updated', { ...current, fullName: input.fullName }, version, cause),
      }),
      this.onEvents,
    );
  }

  /** Turns a live user into a tombstone (personal data erased); false when there was none. */
  async delete(id: ObjectId, cause: Cause): Promise<boolean> {
    const at = this.now();
    const done = await updateWithEvent(
      this.users,
      { _id: id, deletedAt: null },
      (_current, version) => ({
        set: { deletedAt: at, updatedAt: at, email: tombstoneEmail(id), fullName: DELETED_USER_NAME },
        event: userDeletedEvent(id, version, cause),
      }),
      this.onEvents,
    );
    return done !== null;
  }

  findLive(id: ObjectId): Promise<UserDoc | null> {
    return this.users.findOne({ _id: id, deletedAt: null }, READ);
  }

  async list(page: Page): Promise<UserDoc[]> {
    if (page.limit === 0) return []; // the driver reads limit(0) as "no limit"
    return this.users
      .find(afterFilter<UserDoc>({ deletedAt: null }, page), READ)
      .sort({ _id: 1 })
      .limit(page.limit)
      .toArray();
  }

  /** Live users and tombstones alike: references to a deleted user must still resolve. */
  findByIds(ids: ObjectId[]): Promise<UserDoc[]> {
    return this.users.find({ _id: { $in: ids } }, READ).toArray();
  }

  count(): Promise<number> {
    return this.users.estimatedDocumentCount();
  }

  /** Every user's current state as an event, in id order (rule 6: rebuilding a replica). */
  async *snapshot(cause: Cause): AsyncIterable<DomainEvent> {
    for await (const doc of this.users.find({}, READ).sort({ _id: 1 })) {
      yield snapshotEvent(doc, cause);
    }
  }
}
