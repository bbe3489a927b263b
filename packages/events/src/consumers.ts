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
export interface ResyncRequest {
  requestId: string;
  queue: ConsumerQueue;
  /** Optional queue for progress reports ({ requestId, sent, total, done }). */
  replyTo?: string;
}
export interface ResyncProgress {
  requestId: string;
  sent: number;
  total: number;
  done: boolean;
}
