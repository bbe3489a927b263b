import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import { newEvent, type Cause, type DomainEvent } from '@cinema/events';
import { email, text } from '@cinema/subgraph-runtime';
import type { AccountFields } from '../account/account';

/**
 * The users collection's document. `version` is the aggregate version its events carry; `outbox`
 * holds the events of recent changes until the broker confirmed them. The user's credit account
 * (AccountFields) lives here too, with a version of its own (account/account.ts).
 */
export interface UserDoc extends AccountFields {
  _id: ObjectId;
  outbox?: DomainEvent[];
  email: string;
  fullName: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  deletedAt: Date | null;
}

export const createUserInput = z.object({ email: email(), fullName: text(200) });
export const updateUserProfileInput = z.object({ fullName: text(200) });
export type CreateUserInput = z.infer<typeof createUserInput>;
export type UpdateUserProfileInput = z.infer<typeof updateUserProfileInput>;

/**
 * What a deleted user becomes: personal data erased, id kept so references still resolve.
 * The placeholder address is unique per user (so the unique index frees the real one) and
 * under `.invalid`, a TLD reserved never to resolve (RFC 2606).
 */
export const DELETED_USER_NAME = 'Deleted user';
export function tombstoneEmail(id: ObjectId): string {
  return `deleted-${id.toHexString()}@users.invalid`;
}

export function toGraphQL(doc: UserDoc) {
  return {
    id: doc._id.toHexString(),
    email: doc.email,
    fullName: doc.fullName,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    deletedAt: doc.deletedAt ? doc.deletedAt.toISOString() : null,
    credits: doc.credits ?? 0,
  };
}
export type UserObject = ReturnType<typeof toGraphQL>;

/**
 * The state a user's events carry, at `version`: only what a consumer needs (movies: the name). The
 * e-mail stays in users (schema version 2, docs/decisions.md "Events carry only what consumers need").
 */
export function userEvent(type: 'user.created' | 'user.profile.updated', doc: Pick<UserDoc, '_id' | 'fullName'>, version: number, cause: Cause): DomainEvent {
  const id = doc._id.toHexString();
  return newEvent(type, { id, version }, { id, fullName: doc.fullName }, cause);
}

export function userDeletedEvent(id: ObjectId, version: number, cause: Cause): DomainEvent {
  return newEvent('user.deleted', { id: id.toHexString(), version }, { id: id.toHexString() }, cause);
}

/** A user's current state as an event, for a resync: tombstones as deletions, the rest as profiles. */
export function snapshotEvent(doc: UserDoc, cause: Cause): DomainEvent {
  return doc.deletedAt ? userDeletedEvent(doc._id, doc.version, cause) : userEvent('user.profile.updated', doc, doc.version, cause);
}
