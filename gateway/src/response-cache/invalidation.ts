import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@cinema/config';
import { buildTopology, createBroker, OWNER_EXCHANGES, planeIdentity, readObserved, type Broker } from '@cinema/messaging';
import type { ServiceMetrics } from '@cinema/telemetry';
import { Counter } from 'prom-client';
import { CHANGED_BY } from './what-events-change';
import type { ResponseStore } from './store';

const RETRY_MS = 5_000;

type Message = Parameters<typeof readObserved>[0];
type Ack = () => void;

export interface InvalidationOptions {
  /** The gateway's own broker user: it may declare, bind and read `gateway:*` queues, nothing else. */
  url: string;
  /** How broker users are named (AMQP_USER_PREFIX): an event counts only from its owner's user. */
  userPrefix?: string;
  namespace?: string;
  store: ResponseStore;
  logger: Logger;
  /** Counts what is dropped (`gateway_events_dropped_total`). */
  metrics?: ServiceMetrics;
}

/**
 * Feeds every event of every owner to the store, on a queue of this process alone (each gateway
 * process keeps its own store, so each must see every event). The store is live only while that
 * queue is bound: until the first connection, and from a lost connection until the queue is back
 * (it is exclusive, so it went with the connection, with whatever was published meanwhile), the
 * gateway answers every query from the subgraphs. A broker that is down at start is retried in
 * the background; the gateway serves meanwhile, uncached.
 *
 * A message it cannot trust (not JSON, not an event, not published by its exchange's owner:
 * messaging's readObserved) is dropped with a log line and a count, and the subscription goes on:
 * content never restarts it (a restart answers uncached for seconds, so it would be a lever for
 * anyone able to publish).
 */
export function startInvalidation(o: InvalidationOptions): { queue: string; stop(): Promise<void> } {
  const queue = `gateway:response-cache:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const identity = planeIdentity(o.url, o.userPrefix);
  const dropped = new Counter({
    name: 'gateway_events_dropped_total',
    help: 'Messages on the response cache\'s event queue dropped unread, by reason (invalid: not an event; forged: not from the owner of its exchange)',
    labelNames: ['reason'],
    registers: o.metrics ? [o.metrics.registry] : [],
  });
  let broker: Broker | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const retry = () => {
    if (!stopped) timer = setTimeout(connect, RETRY_MS);
  };

  // A subscription that fails on a live connection (its queue deleted, its channel closed) is
  // re-subscribed by Rascal without a word, possibly to a queue that is gone: start over instead,
  // with a new connection and so a new exclusive queue.
  const restart = async (b: Broker) => {
    if (broker !== b) return;
    broker = undefined;
    o.store.setAvailable(false);
    await b.shutdown().catch(() => undefined);
    retry();
  };

  const onMessage = (message: Message, content: unknown, ackOrNack: Ack) => {
    const seen = readObserved(message, content, identity, o.namespace);
    if (seen.ok === true) o.store.invalidate(CHANGED_BY[seen.event.type]);
    // An event this gateway does not know (from its exchange's owner) may change anything: drop every response.
    else if (seen.ok === 'unknown') o.store.clear();
    else {
      dropped.inc({ reason: seen.reason });
      o.logger.warn({ reason: seen.reason, detail: seen.detail, messageId: message.properties.messageId, publishedBy: message.properties.userId }, 'response cache: dropped a message that is not a trusted event');
    }
    ackOrNack();
  };

  async function connect() {
    let b: Broker | undefined;
    try {
      b = await createBroker(buildTopology({ url: o.url, namespace: o.namespace, observes: { queue, exchanges: [...OWNER_EXCHANGES] } }), o.logger);
      const current = b;
      b.on('disconnect', () => broker === current && o.store.setAvailable(false));
      // Re-emitted once the topology (our queue and its bindings) is asserted again after a reconnection.
      b.on('vhost_initialised', () => broker === current && o.store.setAvailable(true));
      const sub = await b.subscribe(queue);
      sub.on('message', onMessage);
      // Without this listener Rascal reports a body that is not JSON as a subscription error.
      sub.on('invalid_content', (_err: Error, message: Message, ackOrNack: Ack) => onMessage(message, undefined, ackOrNack));
      sub.on('error', (err: Error) => {
        o.logger.error({ err }, 'response cache: event subscription failed; answering uncached and reconnecting');
        void restart(current);
      });
      if (stopped) return void (await b.shutdown());
      broker = b;
      o.store.setAvailable(true);
      o.logger.info({ queue }, 'response cache: live (events evict it)');
    } catch (err) {
      await b?.shutdown().catch(() => undefined);
      o.logger.warn({ err }, `response cache: no event subscription; answering uncached, retrying in ${RETRY_MS / 1000}s`);
      retry();
    }
  }
  void connect();

  return {
    queue,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      o.store.setAvailable(false);
      const b = broker;
      broker = undefined;
      await b?.shutdown();
    },
  };
}
