import { z } from 'zod';
import type { EventType, Exchange } from './registry';

/**
 * The consumer queues of the system (architecture.md, "Events"): who consumes what from whom.
 * Bindings filter at the broker, so a consumer never receives an event it would discard.
 * Names: `consumer:entity:purpose`; each queue has a dead-letter exchange and queue beside it.
 */
export const CONSUMERS = {
  'movies:user:replicate': {
    consumer: 'movies',
    owner: 'users',
    exchange: 'users',
    bindingKeys: ['user.created', 'user.profile.*', 'user.deleted'],
    handles: ['user.created', 'user.profile.updated', 'user.deleted'],
  },
  'catalog:movie:replicate': {
    consumer: 'catalog',
    owner: 'movies',
    exchange: 'movies',
    bindingKeys: ['movie.*'],
    handles: ['movie.created', 'movie.updated', 'movie.deleted'],
  },
} as const satisfies Record<
  string,
  { consumer: string; owner: Exchange; exchange: Exchange; bindingKeys: readonly string[]; handles: readonly EventType[] }
>;

export type ConsumerQueue = keyof typeof CONSUMERS;
export const isConsumerQueue = (q: string): q is ConsumerQueue => Object.hasOwn(CONSUMERS, q);

/** Dead-letter exchange and queue of a consumer queue. */
export const deadLetterExchange = (queue: string) => `${queue}:dlx`;
export const deadLetterQueue = (queue: string) => `${queue}:dlq`;
/** Where an owner takes resync requests from (rule 6, late joiners). */
export const resyncQueue = (owner: Exchange) => `${owner}:resync:request`;
/** Where an owner's events that no queue is bound for yet are kept (its alternate exchange). */
export const unroutedExchange = (owner: Exchange) => `${owner}:unrouted`;
export const unroutedQueue = (owner: Exchange) => `${owner}:unrouted`;

/** A request, sent to an owner's resync queue, to re-publish current state to one consumer queue. */
export const resyncRequestSchema = z.object({
  requestId: z.string().describe('Chosen by the requester; progress reports carry it back.'),
  queue: z.enum(Object.keys(CONSUMERS) as [ConsumerQueue, ...ConsumerQueue[]]).describe('The consumer queue to re-publish to (one the owner publishes for).'),
  replyTo: z.string().min(1).optional().describe('A queue for progress reports; none are sent without it.'),
});
export type ResyncRequest = z.infer<typeof resyncRequestSchema>;

/** What an owner reports to a resync request's `replyTo`: after each window of events, and once done. */
export const resyncProgressSchema = z.object({
  requestId: z.string(),
  sent: z.number().int().nonnegative().describe('Events re-published and confirmed so far.'),
  total: z.number().int().nonnegative().describe('Entities the owner counted when it started.'),
  done: z.boolean(),
});
export type ResyncProgress = z.infer<typeof resyncProgressSchema>;
