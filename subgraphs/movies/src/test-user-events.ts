import { newEvent, type DomainEvent } from '@cinema/events';
import type { ObjectId } from 'mongodb';

/**
 * Events exactly as the users subgraph publishes them, for tests that feed movies' replica of
 * user profiles through its real projection instead of writing the collection behind its back.
 */
const cause = { correlationId: 'test-users' };
const aggregate = (id: ObjectId, version: number) => ({ id: id.toHexString(), version });

export const userCreated = (id: ObjectId, fullName: string, version = 1, at?: Date): DomainEvent<'user.created'> =>
  newEvent('user.created', aggregate(id, version), { id: id.toHexString(), fullName }, cause, at);

export const userProfileUpdated = (id: ObjectId, fullName: string, version: number, at?: Date): DomainEvent<'user.profile.updated'> =>
  newEvent('user.profile.updated', aggregate(id, version), { id: id.toHexString(), fullName }, cause, at);

export const userDeleted = (id: ObjectId, version: number, at?: Date): DomainEvent<'user.deleted'> =>
  newEvent('user.deleted', aggregate(id, version), { id: id.toHexString() }, cause, at);
