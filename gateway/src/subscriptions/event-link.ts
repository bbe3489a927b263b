import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@cinema/config';
import { exchangeOf, type DomainEvent, type EventType } from '@cinema/events';
import { buildTopology, createBroker, readObserved, planeIdentity, type Broker } from '@cinema/messaging';

const RETRY_MS = 2_000;

type Message = Parameters<typeof readObserved>[0];
type Ack = () => void;

export interface EventLinkOptions {
  /** The gateway's own broker user (it may declare, bind and read `gateway:*` queues only). */
  url: string;
  userPrefix?: string;
  namespace?: string;
  /** The routing keys the supergraph's @fromEvents declare: the queue is bound to these only. */
  keys: EventType[];
  logger: Logger;
  onEvent(event: DomainEvent, receivedAt: number): void;
  /** A message that is not a trusted event, dropped (it never stops the link). */
  onDropped(reason: string): void;
  /** true once the queue is bound and consumed (again), false as soon as the connection is lost. */
  onLinkChange(up: boolean): void;
}

/**
 * The events live subscriptions are made of, on a queue of this gateway process alone (exclusive:
 * it goes with its connection, and with it whatever was published meanwhile, which is why a lost
 * link ends every subscription with SUBSCRIPTION_SOURCE_LOST). Bound to the declared keys only; a
 * broker that is down at start, or lost later, is retried in the background.
 */
export function startEventLink(o: EventLinkOptions): { queue: string; stop(): Promise<void> } {
  const queue = `gateway:subscriptions:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const identity = planeIdentity(o.url, o.userPrefix);
  const exchanges = [...new Set(o.keys.map(exchangeOf))];
  let broker: Broker | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const retry = () => {
    if (!stopped) timer = setTimeout(connect, RETRY_MS);
  };
  // A subscription failing on a live connection (its queue deleted, its channel closed) would be
  // re-subscribed by Rascal, possibly to a queue that is gone: start over with a new connection.
  const restart = async (b: Broker) => {
    if (broker !== b) return;
    broker = undefined;
    o.onLinkChange(false);
    await b.shutdown().catch(() => undefined);
    retry();
  };
  const onMessage = (message: Message, content: unknown, ack: Ack) => {
    const seen = readObserved(message, content, identity, o.namespace);
    if (seen.ok === true) o.onEvent(seen.event, Date.now());
    else if (seen.ok === false) {
      o.onDropped(seen.reason);
      o.logger.warn({ reason: seen.reason, detail: seen.detail, messageId: message.properties.messageId }, 'subscriptions: dropped a message that is not a trusted event');
    }
    ack();
  };

  async function connect() {
    let b: Broker | undefined;
    try {
      b = await createBroker(buildTopology({ url: o.url, namespace: o.namespace, observes: { queue, exchanges, keys: o.keys } }), o.logger);
      const current = b;
      b.on('disconnect', () => broker === current && o.onLinkChange(false));
      b.on('vhost_initialised', () => broker === current && o.onLinkChange(true));
      const sub = await b.subscribe(queue);
      sub.on('message', onMessage);
      sub.on('invalid_content', (_err: Error, message: Message, ack: Ack) => onMessage(message, undefined, ack));
      sub.on('error', (err: Error) => {
        o.logger.error({ err }, 'subscriptions: event queue failed; reconnecting');
        void restart(current);
      });
      if (stopped) return void (await b.shutdown());
      broker = b;
      o.onLinkChange(true);
      o.logger.info({ queue, keys: o.keys }, 'subscriptions: live (event queue bound)');
    } catch (err) {
      await b?.shutdown().catch(() => undefined);
      o.logger.warn({ err }, `subscriptions: no event queue; retrying in ${RETRY_MS / 1000}s`);
      retry();
    }
  }
  void connect();

  return {
    queue,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      const b = broker;
      broker = undefined;
      await b?.shutdown();
    },
  };
}
