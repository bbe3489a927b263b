import {
  CONSUMERS, deadLetterExchange, exchangeOf, isEventType, deadLetterQueue, resyncExchange, resyncQueue, resyncRequestExchange, retryExchange, unroutedExchange, unroutedQueue,
  type ConsumerQueue, type Exchange,
} from '@cinema/events';
import type { BrokerConfig } from 'rascal';
import { brokerUserOf } from './broker-user';

/**
 * Rascal topology as data, built from the contract in @cinema/events. A service lists what it owns
 * (the exchange it publishes on) and what it consumes. Each declares only its own exchanges and
 * queues (its broker user may configure nothing else: broker-permissions.ts) and checks that the
 * owner's exchanges it binds to exist; a consumer that starts before its owner ever ran retries
 * until the owner has declared them. Every publication carries the process's broker user as
 * `user_id`, which RabbitMQ verifies, so consumers know who published (publisher-identity.ts).
 */
type Vhost = NonNullable<BrokerConfig['vhosts']>[string];

export interface TopologyOptions {
  url: string;
  /** Prefix for every name (tests isolate themselves on a shared broker this way). */
  namespace?: string;
  owns?: Exchange;
  consumes?: ConsumerQueue[];
  prefetch?: number;
  /**
   * Every event of these owners, on a queue of this process only (exclusive: gone with its
   * connection; not auto-delete, which would also drop it with its consumer while the connection
   * lives on). For observers that must see each event once per process, not once per service.
   */
  observes?: {
    queue: string;
    exchanges: Exchange[];
    /** Only these routing keys (each bound on its exchange among `exchanges`); every event when absent. */
    keys?: string[];
    /**
     * Not exclusive but deleted by the broker this long after its last consumer left: for an
     * observer that binds keys at run time, from a connection of its own (an exclusive queue may
     * only be bound from the connection that declared it, which Rascal does not lend).
     */
    expiresMs?: number;
  };
}

export const PUBLICATION = {
  events: 'events',
  /** The owner's resync answers: state to one consumer queue, progress to a reply queue. */
  resync: 'resync',
  retry: (queue: string) => `retry:${queue}`,
  deadLetter: (queue: string) => `dead-letter:${queue}`,
  resyncRequest: (owner: Exchange) => `resync:${owner}`,
} as const;

/** Publishes in flight per service (confirm channels); see buildTopology. */
export const CONFIRM_CHANNELS = 64;

/** A name as the broker knows it under a namespace (Rascal prefixes the names it declares the same way). */
export const qualify = (name: string, ns?: string) => (ns ? `${ns}:${name}` : name);

/** A quorum queue: replicated, durable, with a poison-message limit and safe dead-lettering. */
function quorumQueue(deadLetterTo?: string) {
  return {
    options: {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        ...(deadLetterTo
          ? {
              'x-dead-letter-exchange': deadLetterTo,
              // at-least-once dead-lettering needs reject-publish overflow (RabbitMQ 3.10+).
              'x-dead-letter-strategy': 'at-least-once',
              'x-overflow': 'reject-publish',
              // A message that crashes its consumer this many times is dead-lettered, not looped.
              'x-delivery-limit': 20,
            }
          : {}),
      },
    },
  };
}

/** An owner's topic exchange; its alternate exchange keeps events no queue is bound for yet. */
function ownerExchanges(owner: Exchange, ns?: string) {
  return {
    [owner]: { type: 'topic', options: { durable: true, alternateExchange: qualify(unroutedExchange(owner), ns) } },
    [unroutedExchange(owner)]: { type: 'fanout', options: { durable: true } },
    [resyncExchange(owner)]: { type: 'direct', options: { durable: true } },
    [resyncRequestExchange(owner)]: { type: 'fanout', options: { durable: true } },
  };
}

/** Another service's exchange: checked (passive declare, which needs no permission), never declared. */
const checkOnly = { assert: false, check: true } as const;

export function buildTopology(o: TopologyOptions): BrokerConfig {
  const vhost: Vhost = {
    connection: { url: o.url, retry: { min: 500, max: 5_000, factor: 2, strategy: 'exponential' } },
    // Rascal holds a confirm channel from publish until the broker's confirm, so this pool's size is
    // the number of its publishes in flight (a resync's windows of 500); its default is 5. The
    // outbox relay does not use it: it has a pipelined channel of its own (confirm-publisher.ts).
    publicationChannelPools: { confirmPool: { max: CONFIRM_CHANNELS, min: 1 } },
    exchanges: {}, queues: {}, bindings: {}, publications: {}, subscriptions: {},
  };
  if (o.namespace) vhost.namespace = o.namespace;
  const add = <K extends 'exchanges' | 'queues' | 'bindings' | 'publications' | 'subscriptions'>(k: K, v: object) =>
    Object.assign(vhost[k] as object, v);
  // Another owner's exchanges are checked, unless this process owns (declares) them itself.
  const check = (names: string[]) => {
    for (const name of names) if (!(name in vhost.exchanges!)) add('exchanges', { [name]: checkOnly });
  };
  // RabbitMQ refuses a user_id that is not the connection's user: every publication says who we are.
  const publishing = { persistent: true, contentType: 'application/json', userId: brokerUserOf(o.url) };

  if (o.owns) {
    const owner = o.owns;
    add('exchanges', ownerExchanges(owner, o.namespace));
    // Bounded and classic: inspection of events nobody subscribes to, not a second source of truth.
    add('queues', { [unroutedQueue(owner)]: { options: { durable: true, arguments: { 'x-max-length': 100_000, 'x-overflow': 'drop-head' } } } });
    add('queues', { [resyncQueue(owner)]: quorumQueue() });
    add('bindings', {
      [`${unroutedExchange(owner)} -> ${unroutedQueue(owner)}`]: {},
      [`${resyncRequestExchange(owner)} -> ${resyncQueue(owner)}`]: {},
    });
    add('publications', {
      [PUBLICATION.events]: { exchange: owner, confirm: true, options: { ...publishing, mandatory: true } },
      // The routing key names the one queue (a consumer's, or an operator's reply queue).
      [PUBLICATION.resync]: { exchange: resyncExchange(owner), confirm: true, options: { ...publishing, mandatory: true } },
    });
    add('subscriptions', { [resyncQueue(owner)]: { queue: resyncQueue(owner), prefetch: 1, contentType: 'application/json' } });
  }

  for (const queue of o.consumes ?? []) {
    const c = CONSUMERS[queue];
    check([c.exchange]);
    add('exchanges', {
      [deadLetterExchange(queue)]: { type: 'fanout', options: { durable: true } },
      [retryExchange(queue)]: { type: 'fanout', options: { durable: true } },
    });
    add('queues', { [queue]: quorumQueue(deadLetterExchange(queue)), [deadLetterQueue(queue)]: quorumQueue() });
    add('bindings', {
      [`${c.exchange}[${c.bindingKeys.join(', ')}] -> ${queue}`]: {},
      [`${retryExchange(queue)} -> ${queue}`]: {},
      [`${deadLetterExchange(queue)} -> ${deadLetterQueue(queue)}`]: {},
    });
    add('publications', {
      // The consumer's own ways back to its queue (a retry after a backoff) and to its dead letters:
      // Rascal's `forward` recovery publishes through them (consumer.ts).
      [PUBLICATION.retry(queue)]: { exchange: retryExchange(queue), confirm: true, options: { ...publishing, mandatory: true } },
      [PUBLICATION.deadLetter(queue)]: { exchange: deadLetterExchange(queue), confirm: true, options: { ...publishing, mandatory: true } },
    });
    // A read model can ask its owner for a resync, and receives it; a saga step's queue has nothing to ask for.
    if (c.replicates) {
      check([resyncExchange(c.owner), resyncRequestExchange(c.owner)]);
      add('bindings', { [`${resyncExchange(c.owner)}[${queue}] -> ${queue}`]: {} });
      add('publications', {
        [PUBLICATION.resyncRequest(c.owner)]: { exchange: resyncRequestExchange(c.owner), confirm: true, options: { ...publishing, mandatory: true } },
      });
    }
    add('subscriptions', { [queue]: { queue, prefetch: o.prefetch ?? 50, contentType: 'application/json' } });
  }
  if (o.observes) {
    const { queue, exchanges, keys, expiresMs } = o.observes;
    check(exchanges);
    const options = expiresMs ? { durable: true, arguments: { 'x-expires': expiresMs } } : { durable: false, exclusive: true };
    add('queues', { [queue]: { options } });
    for (const exchange of exchanges) {
      const bound = keys ? keys.filter((k) => isEventType(k) && exchangeOf(k) === exchange) : ['#'];
      if (bound.length > 0) add('bindings', { [`${exchange}[${bound.join(', ')}] -> ${queue}`]: {} });
    }
    add('subscriptions', { [queue]: { queue, prefetch: o.prefetch ?? 100, contentType: 'application/json' } });
  }
  return { vhosts: { '/': vhost } };
}
