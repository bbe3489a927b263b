import { z } from 'zod';
import { entityId } from './envelope';

/**
 * Published on the `users` exchange by the users subgraph. Schema version 2 carries only what a
 * consumer needs (movies: the name); version 1 also carried the e-mail to every consumer and into
 * every dead-letter queue. Consumers read both during the rollover (docs/decisions.md).
 */
const id = entityId;
export const userState = z.object({ id, fullName: z.string().min(1) });
/** Version 1's data, still accepted: the current schema reads it and drops the e-mail. */
export const userStateV1 = userState.extend({ email: z.string().min(1) });
export const userDeleted = z.object({ id });

const profile = { exchange: 'users', aggregateType: 'user', schemaVersion: 2, data: userState, accepts: [1] } as const;
export const userEvents = {
  'user.created': profile,
  'user.profile.updated': profile,
  'user.deleted': { exchange: 'users', aggregateType: 'user', schemaVersion: 1, data: userDeleted },
} as const;
