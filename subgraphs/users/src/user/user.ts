import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import { email, text } from '@cinema/service-kit';

/** The users collection's document. `version` is the aggregate version events will carry. */
export interface UserDoc {
  _id: ObjectId;
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
  };
}
