import { CONSUMERS, type ConsumerQueue } from './consumers';
import { EVENTS, type EventType, type Exchange } from './registry';

/**
 * Who is who on the event plane, derived from the contract so that a new event or consumer needs
 * no security edit: every owner of an exchange and every consumer of a queue is a service with a
 * broker user of its own; besides them the gateway (it only observes) and operators (scripts that
 * ask for resyncs). Broker users are named `<prefix><role>` (AMQP_USER_PREFIX, `cinema-` by
 * default), so `cinema-users` is the only user whose events may say `source: "users"`.
 */
export const GATEWAY = 'gateway';
export const OPERATOR = 'operator';

/** Every service: each exchange's owner and each queue's consumer, in a stable order. */
export const SERVICES: readonly string[] = [
  ...new Set([...Object.values(EVENTS).map((d) => d.exchange as string), ...Object.values(CONSUMERS).map((c) => c.consumer as string)]),
];
export const BROKER_ROLES: readonly string[] = [...SERVICES, GATEWAY, OPERATOR];

export const DEFAULT_USER_PREFIX = 'cinema-';
export const brokerUser = (role: string, prefix = DEFAULT_USER_PREFIX) => `${prefix}${role}`;

/** The exchanges a service owns (publishes on): one today, named after it. */
export const exchangesOwnedBy = (role: string): Exchange[] =>
  [...new Set(Object.values(EVENTS).map((d) => d.exchange))].filter((e) => e === role);
/** The queues a service consumes. */
export const queuesConsumedBy = (role: string): ConsumerQueue[] =>
  (Object.keys(CONSUMERS) as ConsumerQueue[]).filter((q) => CONSUMERS[q].consumer === role);

/** The one role allowed to publish events of this type (and the `source` they must carry). */
export const publisherOf = (type: EventType): Exchange => EVENTS[type].exchange;

/** Who may ask an owner to re-publish its state to `queue`: the queue's own consumer, or an operator. */
export const mayRequestResync = (role: string, queue: ConsumerQueue) => role === CONSUMERS[queue].consumer || role === OPERATOR;
