import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@cinema/config';
import { exchangeOf, type DomainEvent, type EventType } from '@cinema/events';
import { buildTopology, createBroker, qualify, readObserved, planeIdentity, type Broker } from '@cinema/messaging';
import type { Channel as CallbackChannel, Connection as CallbackConnection } from 'amqplib/callback_api';
import { Bindings, type Binder } from './bindings';
import { SUBSCRIPTION_QUEUE_EXPIRES_MS, SUBSCRIPTION_QUEUE_PREFIX } from './queue';

const RETRY_MS = 2_000;

type Message = Parameters<typeof readObserved>[0];
type Ack = () => void;

export interface EventLinkOptions {
  /** The gateway's own broker user (it may declare, bind and read `gateway:*` queues only). */
  url: string;
  userPrefix?: string;
  namespace?: string;
  /** Every routing key the supergraph's @fromEvents declare: what may ever be bound. */
  keys: EventType[];
  logger: Logger;
  onEvent(event: DomainEvent, receivedAt: number): void;
  /** A message that is not a trusted event, dropped (it never stops the link). */
  onDropped(reason: string): void;
  /** true once the queue is consumed, false as soon as the connection is lost. */
  onLinkChange(up: boolean): void;
  /** The keys bound now, after each change. */
  onBindings?(count: number): void;
}

/**
 * The events live subscriptions are made of, on a queue of this gateway process alone, bound to a
 * routing key while a subscription needs it (`bindings.acquire`/`release`). A lost link is a new
 * start: a new queue with no bindings (subscriptions ended with the link, docs/subscriptions.md),
 * retried in the background; the old queue expires.
 */
export function startEventLink(o: EventLinkOptions): { bindings: Bindings; stop(): Promise<void> } {
  const identity = planeIdentity(o.url, o.userPrefix);
  const exchanges = [...new Set(o.keys.map(exchangeOf))];
  const bindings = new Bindings(o.keys, o.onBindings);
  let broker: Broker | undefined;
  // Ours, not Rascal's: Rascal's shutdown does not close it.
  let bindingConnection: CallbackConnection | undefined;
  const closeBindingConnection = () => {
    const c = bindingConnection;
    bindingConnection = undefined;
    try {
      c?.close(() => undefined);
    } catch {
      // already closed with its broker
    }
  };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const retry = () => {
    if (!stopped) timer = setTimeout(connect, RETRY_MS);
  };
  // Any failure (the connection, Rascal's or ours, the consumer): start over with a new queue.
  const restart = async (b: Broker, why: string, err?: unknown) => {
    if (broker !== b) return;
    o.logger.warn({ err }, `subscriptions: ${why}; reconnecting`);
    broker = undefined;
    bindings.detach();
    o.onLinkChange(false);
    closeBindingConnection();
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
    const queue = `${SUBSCRIPTION_QUEUE_PREFIX}:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    let b: Broker | undefined;
    try {
      b = await createBroker(buildTopology({ url: o.url, namespace: o.namespace, observes: { queue, exchanges, keys: [], expiresMs: SUBSCRIPTION_QUEUE_EXPIRES_MS } }), o.logger);
      const current = b;
      b.on('disconnect', () => void restart(current, 'broker connection lost'));
      // Bindings from a connection of our own, made by Rascal (same URL and user; amqplib's callback API).
      const connection = (await b.connect('/')) as unknown as CallbackConnection;
      bindingConnection = connection;
      const channel = await new Promise<CallbackChannel>((resolve, reject) => connection.createChannel((err, ch) => (err ? reject(err) : resolve(ch))));
      for (const emitter of [connection, channel]) emitter.on('error', (err: Error) => void restart(current, 'binding channel failed', err));
      channel.on('close', () => void restart(current, 'binding channel closed'));
      const onQueue = (op: 'bindQueue' | 'unbindQueue') => (key: EventType) =>
        new Promise<void>((resolve, reject) => channel[op](qualify(queue, o.namespace), qualify(exchangeOf(key), o.namespace), key, {}, (err) => (err ? reject(err) : resolve())));
      const binder: Binder = { bind: onQueue('bindQueue'), unbind: onQueue('unbindQueue') };
      const sub = await b.subscribe(queue);
      sub.on('message', onMessage);
      sub.on('invalid_content', (_err: Error, message: Message, ack: Ack) => onMessage(message, undefined, ack));
      sub.on('error', (err: Error) => void restart(current, 'event queue failed', err));
      if (stopped) return void (await b.shutdown());
      broker = b;
      bindings.attach(binder);
      o.onLinkChange(true);
      o.logger.info({ queue }, 'subscriptions: live (event queue consumed; keys bound as subscriptions need them)');
    } catch (err) {
      closeBindingConnection();
      await b?.shutdown().catch(() => undefined);
      o.logger.warn({ err }, `subscriptions: no event queue; retrying in ${RETRY_MS / 1000}s`);
      retry();
    }
  }
  void connect();

  return {
    bindings,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      bindings.detach();
      const b = broker;
      broker = undefined;
      closeBindingConnection();
      await b?.shutdown();
    },
  };
}
