import { z } from 'zod';
import type { EventType, Exchange } from './registry';

/**
 * The consumer queues of the system (architecture.md, "Events"): who consumes what from whom.
 * Bindings filter at the broker, so a consumer never receives an event it would discard.
 * Names: `consumer:entity:purpose`; each queue has a dead-letter exchange and queue beside it.
 * `replicates`: the queue feeds a read model its owner can rebuild by a resync (rule 6); the
 * booking saga's queues carry steps of a process instead, which a resync has nothing to re-send for.
 */
export const CONSUMERS = {
  'movies:user:replicate': {
    consumer: 'movies',
    owner: 'users',
    exchange: 'users',
    bindingKeys: ['user.created', 'user.profile.*', 'user.deleted'],
    handles: ['user.created', 'user.profile.updated', 'user.deleted'],
    replicates: true,
  },
  'catalog:movie:replicate': {
    consumer: 'catalog',
    owner: 'movies',
    exchange: 'movies',
    bindingKeys: ['movie.*'],
    handles: ['movie.created', 'movie.updated', 'movie.deleted'],
    replicates: true,
  },
  // The booking saga (docs/bookings.md): users debits what catalog asks for…
  'users:booking:debit': {
    consumer: 'users',
    owner: 'catalog',
    exchange: 'catalog',
    bindingKeys: ['booking.requested'],
    handles: ['booking.requested'],
    replicates: false,
  },
  // …and refunds a debit whose booking expired or was cancelled (or refuses one that comes later).
  'users:booking:refund': {
    consumer: 'users',
    owner: 'catalog',
    exchange: 'catalog',
    bindingKeys: ['booking.expired', 'booking.cancelled'],
    handles: ['booking.expired', 'booking.cancelled'],
    replicates: false,
  },
  // catalog confirms a booking users debited, rejects (and releases) one it did not.
  'catalog:credits:settle': {
    consumer: 'catalog',
    owner: 'users',
    exchange: 'users',
    bindingKeys: ['credits.debited', 'credits.rejected'],
    handles: ['credits.debited', 'credits.rejected'],
    replicates: false,
  },
} as const satisfies Record<
  string,
  { consumer: string; owner: Exchange; exchange: Exchange; bindingKeys: readonly string[]; handles: readonly EventType[]; replicates: boolean }
>;

export type ConsumerQueue = keyof typeof CONSUMERS;
export const isConsumerQueue = (q: string): q is ConsumerQueue => Object.hasOwn(CONSUMERS, q);
/** The queues that feed a read model (and can be resynced). */
export type ReplicaQueue = { [Q in ConsumerQueue]: (typeof CONSUMERS)[Q]['replicates'] extends true ? Q : never }[ConsumerQueue];
export const isReplicaQueue = (q: string): q is ReplicaQueue => isConsumerQueue(q) && CONSUMERS[q].replicates;
const REPLICA_QUEUES = (Object.keys(CONSUMERS) as ConsumerQueue[]).filter(isReplicaQueue) as [ReplicaQueue, ...ReplicaQueue[]];

/** Dead-letter exchange and queue of a consumer queue. */
export const deadLetterExchange = (queue: string) => `${queue}:dlx`;
export const deadLetterQueue = (queue: string) => `${queue}:dlq`;
/** Where an owner takes resync requests from (rule 6, late joiners). */
export const resyncQueue = (owner: Exchange) => `${owner}:resync:request`;
/**
 * What consumers and operators send resync requests to (bound to the owner's resync queue): an
 * exchange of the owner's, so that nobody needs to write through the default exchange, which
 * reaches every queue by name.
 */
export const resyncRequestExchange = (owner: Exchange) => `${owner}:resync:requests`;
/**
 * The owner's exchange for resync answers (direct): the state goes to one consumer queue (routing
 * key: the queue's name), progress reports to a requester's reply queue (routing key: its name).
 */
export const resyncExchange = (owner: Exchange) => `${owner}:resync`;
/** A consumer's own exchange (fanout) that sends a failed delivery back to its queue after a backoff. */
export const retryExchange = (queue: string) => `${queue}:retry`;
/** Names an operator's scripts may create (reply queues); its broker user may touch nothing else of its own. */
export const OPERATOR_PREFIX = 'ops:';
/** An operator's reply queue for a resync's progress reports. */
export const resyncReplyQueue = (requestId: string) => `${OPERATOR_PREFIX}resync:${requestId}`;
/** Where an owner's events that no queue is bound for yet are kept (its alternate exchange). */
export const unroutedExchange = (owner: Exchange) => `${owner}:unrouted`;
export const unroutedQueue = (owner: Exchange) => `${owner}:unrouted`;

/** A request, sent to an owner's resync queue, to re-publish current state to one consumer queue. */
export const resyncRequestSchema = z.object({
  requestId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).describe('Chosen by the requester; progress reports carry it back.'),
  queue: z.enum(REPLICA_QUEUES).describe('The consumer queue to re-publish to (one that feeds a read model the owner publishes for).'),
  requestedAt: z.iso.datetime({ offset: true }).optional().describe('When it was asked: a resync of the queue that started after that answers it too.'),
  replyTo: z
    .string()
    .regex(new RegExp(`^${OPERATOR_PREFIX}resync:[A-Za-z0-9-]{1,64}$`))
    .optional()
    .describe(`An operator's queue for progress reports (${OPERATOR_PREFIX}resync:<id>); none are sent without it.`),
});
export type ResyncRequest = z.infer<typeof resyncRequestSchema>;

/** What an owner reports to a resync request's `replyTo`: after each window of events, and once done. */
export const resyncProgressSchema = z.object({
  requestId: z.string(),
  sent: z.number().int().nonnegative().describe('Events re-published and confirmed so far.'),
  total: z.number().int().nonnegative().describe('Entities the owner counted when it started.'),
  done: z.boolean(),
  coalesced: z.boolean().optional().describe('Answered by a resync of the same queue that started after the request was made: nothing sent again.'),
});
export type ResyncProgress = z.infer<typeof resyncProgressSchema>;
