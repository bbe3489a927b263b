import { CONSUMERS, deadLetterExchange, deadLetterQueue, resyncQueue, unroutedExchange, unroutedQueue, type ConsumerQueue, type Exchange } from '@cinema/events';
import type { BrokerConfig } from 'rascal';

/**
 * Rascal topology as data, built from the contract in @cinema/events. A service lists what it owns
 * (the exchange it publishes on) and what it consumes; both sides assert every exchange and queue
 * they use with identical arguments, so start order never matters.
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
  observes?: { queue: string; exchanges: Exchange[] };
}

export const PUBLICATION = { events: 'events', direct: 'direct' } as const;

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
function ownerExchange(owner: Exchange, ns?: string) {
  return {
    [owner]: { type: 'topic', options: { durable: true, alternateExchange: qualify(unroutedExchange(owner), ns) } },
    [unroutedExchange(owner)]: { type: 'fanout', options: { durable: true } },
  };
}

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

  if (o.owns) {
    const owner = o.owns;
    add('exchanges', ownerExchange(owner, o.namespace));
    // Bounded and classic: inspection of events nobody subscribes to, not a second source of truth.
    add('queues', { [unroutedQueue(owner)]: { options: { durable: true, arguments: { 'x-max-length': 100_000, 'x-overflow': 'drop-head' } } } });
    add('bindings', { [`${unroutedExchange(owner)} -> ${unroutedQueue(owner)}`]: {} });
    add('queues', { [resyncQueue(owner)]: quorumQueue() });
    add('publications', {
      [PUBLICATION.events]: { exchange: owner, confirm: true, options: { persistent: true, mandatory: true, contentType: 'application/json' } },
      // Straight to one queue by name (resync to one consumer, progress replies).
      [PUBLICATION.direct]: { exchange: '', confirm: true, options: { persistent: true, mandatory: true, contentType: 'application/json' } },
    });
    add('subscriptions', { [resyncQueue(owner)]: { queue: resyncQueue(owner), prefetch: 1, contentType: 'application/json' } });
  }

  for (const queue of o.consumes ?? []) {
    const c = CONSUMERS[queue];
    add('exchanges', ownerExchange(c.exchange, o.namespace));
    add('exchanges', { [deadLetterExchange(queue)]: { type: 'fanout', options: { durable: true } } });
    add('queues', { [queue]: quorumQueue(deadLetterExchange(queue)), [deadLetterQueue(queue)]: quorumQueue() });
    add('bindings', {
      [`${c.exchange}[${c.bindingKeys.join(', ')}] -> ${queue}`]: {},
      [`${deadLetterExchange(queue)} -> ${deadLetterQueue(queue)}`]: {},
    });
    // A read model can ask its owner for a resync; a saga step's queue has nothing to ask for.
    if (c.replicates) {
      add('queues', { [resyncQueue(c.owner)]: quorumQueue() });
      add('publications', {
        [`resync:${c.owner}`]: { queue: resyncQueue(c.owner), confirm: true, options: { persistent: true, contentType: 'application/json' } },
      });
    }
    add('subscriptions', { [queue]: { queue, prefetch: o.prefetch ?? 50, contentType: 'application/json' } });
  }
  if (o.observes) {
    const { queue, exchanges } = o.observes;
    for (const exchange of exchanges) add('exchanges', ownerExchange(exchange, o.namespace));
    add('queues', { [queue]: { options: { durable: false, exclusive: true } } });
    for (const exchange of exchanges) add('bindings', { [`${exchange}[#] -> ${queue}`]: {} });
    add('subscriptions', { [queue]: { queue, prefetch: o.prefetch ?? 100, contentType: 'application/json' } });
  }
  return { vhosts: { '/': vhost } };
}
