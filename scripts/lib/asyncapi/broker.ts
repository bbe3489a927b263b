import { CONSUMERS, EVENTS, type ConsumerQueue, type EventType, type Exchange } from '@cinema/events';
import { readFileSync } from 'node:fs';
import { buildTopology } from '@cinema/messaging';
import { readLiveFields } from '../../../gateway/src/subscriptions/live-fields';
import { SUBSCRIPTION_QUEUE_EXPIRES_MS, SUBSCRIPTION_QUEUE_PREFIX } from '../../../gateway/src/subscriptions/queue';
import { SUPERGRAPH_PATH } from '../supergraph';

/**
 * What the broker holds, read from the Rascal topology every service declares at start
 * (@cinema/messaging's buildTopology over @cinema/events), so the catalog's exchange types, queue
 * arguments and dead-letter exchanges are the ones the code asserts, not a second copy.
 */
export interface ExchangeDecl {
  type: string;
  options?: { durable?: boolean; autoDelete?: boolean; alternateExchange?: string };
}
export interface QueueDecl {
  options?: { durable?: boolean; exclusive?: boolean; autoDelete?: boolean; arguments?: Record<string, unknown> };
}

export const OWNERS = [...new Set(Object.values(EVENTS).map((e) => e.exchange))] as Exchange[];
export const QUEUES = Object.keys(CONSUMERS) as ConsumerQueue[];

/** Every service: the owners (a service owns the exchange of its name) and the consumers. */
export const SERVICES = [...new Set<string>([...OWNERS, ...QUEUES.map((q) => CONSUMERS[q].consumer)])];

/**
 * The gateway's response cache (RESPONSE_CACHE=on) reads every event on a queue of each gateway
 * process (gateway/src/response-cache/invalidation.ts names it `gateway:response-cache:<host>:<pid>:<id>`).
 */
export const OBSERVER_QUEUE = 'gateway:response-cache:{instance}';

/**
 * The gateway's subscriptions read the events the supergraph's @fromEvents declare on a queue of
 * each gateway process (gateway/src/subscriptions/event-link.ts), each key bound only while a live
 * subscription needs it.
 */
export const SUBSCRIPTION_QUEUE = `${SUBSCRIPTION_QUEUE_PREFIX}:{instance}`;
export const subscriptionKeys = (): EventType[] => [...new Set([...readLiveFields(readFileSync(SUPERGRAPH_PATH, 'utf8')).values()].flatMap((f) => f.events))];

export const eventsOf = (owner: Exchange) => (Object.keys(EVENTS) as EventType[]).filter((t) => EVENTS[t].exchange === owner);
export const queuesOf = (consumer: string) => QUEUES.filter((q) => CONSUMERS[q].consumer === consumer);
export const queuesFedBy = (owner: Exchange) => QUEUES.filter((q) => CONSUMERS[q].owner === owner);

export function brokerObjects(): { exchanges: Record<string, ExchangeDecl>; queues: Record<string, QueueDecl> } {
  const exchanges: Record<string, ExchangeDecl> = {};
  const queues: Record<string, QueueDecl> = {};
  for (const service of SERVICES) {
    const owns = OWNERS.find((o) => o === service);
    const vhost = buildTopology({ url: 'amqp://broker', ...(owns ? { owns } : {}), consumes: queuesOf(service) }).vhosts!['/']!;
    // Both sides of a queue declare it with identical arguments (topology.ts), so merging loses
    // nothing; a consumer only checks its owner's exchanges, so the owner's declaration is kept.
    for (const [name, e] of Object.entries(vhost.exchanges ?? {})) {
      if ((e as { assert?: boolean }).assert !== false || !exchanges[name]) exchanges[name] = e as ExchangeDecl;
    }
    Object.assign(queues, vhost.queues);
  }
  const gateway = buildTopology({ url: 'amqp://broker', observes: { queue: OBSERVER_QUEUE, exchanges: OWNERS } }).vhosts!['/']!;
  Object.assign(queues, gateway.queues);
  const live = buildTopology({ url: 'amqp://broker', observes: { queue: SUBSCRIPTION_QUEUE, exchanges: OWNERS, keys: [], expiresMs: SUBSCRIPTION_QUEUE_EXPIRES_MS } }).vhosts!['/']!;
  Object.assign(queues, live.queues);
  return { exchanges, queues };
}

/** The AMQP 0.3.0 channel binding of an exchange (`is: routingKey`). */
export function exchangeBinding(name: string, decl: ExchangeDecl) {
  return {
    is: 'routingKey',
    exchange: { name, type: decl.type, durable: decl.options?.durable ?? true, autoDelete: decl.options?.autoDelete ?? false, vhost: '/' },
    ...(decl.options?.alternateExchange ? { 'x-alternate-exchange': decl.options.alternateExchange } : {}),
    bindingVersion: '0.3.0',
  };
}

/**
 * The AMQP 0.3.0 channel binding of a queue (`is: queue`). The binding has no field for queue
 * arguments or for what the queue is bound to, so those are extensions: `x-arguments` as declared
 * (quorum type, dead-letter exchange, delivery limit…) and `x-bound-to` (exchange and keys).
 */
export function queueBinding(name: string, decl: QueueDecl, boundTo: Array<{ exchange: string; keys?: readonly string[] }>) {
  const o = decl.options ?? {};
  return {
    is: 'queue',
    queue: { name, durable: o.durable ?? true, exclusive: o.exclusive ?? false, autoDelete: o.autoDelete ?? false, vhost: '/' },
    ...(o.arguments ? { 'x-arguments': o.arguments } : {}),
    'x-bound-to': boundTo.map((b) => ({ exchange: b.exchange, ...(b.keys ? { bindingKeys: [...b.keys] } : {}) })),
    bindingVersion: '0.3.0',
  };
}
