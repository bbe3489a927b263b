import { z } from 'zod';
import { entityId } from './envelope';

/** Published on the `users` exchange by the users subgraph. */
const id = entityId;
export const userState = z.object({ id, email: z.string().min(1), fullName: z.string().min(1) });
export const userDeleted = z.object({ id });

export const userEvents = {
  'user.created': { exchange: 'users', aggregateType: 'user', schemaVersion: 1, data: userState },
  'user.profile.updated': { exchange: 'users', aggregateType: 'user', schemaVersion: 1, data: userState },
  'user.deleted': { exchange: 'users', aggregateType: 'user', schemaVersion: 1, data: userDeleted },
} as const;
