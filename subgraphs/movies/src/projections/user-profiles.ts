import { ObjectId, type Collection, type Db } from 'mongodb';
import type { DomainEvent } from '@cinema/events';
import type { Logger } from '@cinema/config';
import { applyVersioned, PermanentError, type ApplyOutcome, type Delivery } from '@cinema/messaging';

/**
 * Movies' replica of user profiles (architecture.md: movies replicates id, fullName, deleted),
 * fed by the `movies:user:replicate` queue. It lets movies name a review's author and check that
 * an author exists without ever calling the users subgraph. Users own the data: nothing here is
 * written except by the projection below.
 */
export interface UserProfileDoc {
  /** The user's id in the users subgraph. */
  _id: ObjectId;
  fullName: string;
  /** A tombstone: kept so that a late, older event about the user cannot bring it back. */
  deleted: boolean;
  /** The aggregateVersion of the newest event applied (rule 3). */
  version: number;
  /** When that event happened at the owner (its occurredAt), for diagnosing replication lag. */
  eventAt: Date;
}

export const USER_PROFILES = 'user_profiles';
/** What a deleted user is called; the same placeholder the users subgraph's tombstone carries. */
export const DELETED_USER_NAME = 'Deleted user';

type UserEvent = DomainEvent<'user.created' | 'user.profile.updated' | 'user.deleted'>;
export type UserProfileState = Omit<UserProfileDoc, '_id' | 'version'>;

/**
 * The state an event leaves the profile in. Events carry the whole state (event-carried state
 * transfer), so unlike the general `evolve(current, event)` of rule 3 the current document is not
 * needed: the newest event alone decides. Pure, so it is tested without a database.
 */
export function evolveUserProfile(event: UserEvent): UserProfileState {
  const eventAt = new Date(event.occurredAt);
  switch (event.type) {
    case 'user.created':
    case 'user.profile.updated':
      return { fullName: event.data.fullName, deleted: false, eventAt };
    case 'user.deleted':
      return { fullName: DELETED_USER_NAME, deleted: true, eventAt };
  }
}

const HEX_ID = /^[0-9a-f]{24}$/i;
const isUserEvent = (e: DomainEvent): e is UserEvent =>
  e.type === 'user.created' || e.type === 'user.profile.updated' || e.type === 'user.deleted';

/**
 * The consumer's handler: applies an event only if it is newer than what the replica holds, so
 * duplicates, redeliveries, out-of-order and concurrent arrivals all end in the same state (rule 3,
 * applyVersioned). Anything it cannot apply is a PermanentError: retrying would never fix it, so it
 * is dead-lettered.
 */
export function handleUserEvent(collection: Collection<UserProfileDoc>) {
  return async (event: DomainEvent, log: Logger, delivery?: Delivery): Promise<ApplyOutcome> => {
    if (!isUserEvent(event)) throw new PermanentError(`${event.type} is not a user event`);
    if (!HEX_ID.test(event.aggregateId)) throw new PermanentError(`aggregateId "${event.aggregateId}" is not a user id`);
    if (event.data.id.toLowerCase() !== event.aggregateId.toLowerCase()) {
      throw new PermanentError(`data.id ${event.data.id} is not the aggregateId ${event.aggregateId}`);
    }
    // The version rule (live or resync, and when) decides what a version may be (docs/decisions.md).
    const meta = { origin: delivery?.origin, occurredAt: new Date(event.occurredAt) };
    const outcome = await applyVersioned(collection, new ObjectId(event.aggregateId), event.aggregateVersion, evolveUserProfile(event), meta);
    log.debug({ outcome, version: event.aggregateVersion }, outcome === 'applied' ? 'user profile replicated' : 'stale user event ignored');
    return outcome;
  };
}

/** The queries movies asks of its replica. */
export class UserProfiles {
  readonly collection: Collection<UserProfileDoc>;

  constructor(db: Db) {
    this.collection = db.collection<UserProfileDoc>(USER_PROFILES);
  }

  /** Profiles and tombstones alike, for a per-request DataLoader; unknown ids are simply absent. */
  findByIds(ids: ObjectId[]): Promise<UserProfileDoc[]> {
    return this.collection.find({ _id: { $in: ids } }).toArray();
  }

  /** True before the first event arrived: the consumer then asks users for a resync (rule 6). */
  async isEmpty(): Promise<boolean> {
    return (await this.collection.findOne({}, { projection: { _id: 1 } })) === null;
  }
}
