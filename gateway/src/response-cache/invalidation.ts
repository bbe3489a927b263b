import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isEventType, type Exchange } from '@cinema/events';
import type { Logger } from '@cinema/config';
import { buildTopology, createBroker, type Broker } from '@cinema/messaging';
import { CHANGED_BY } from './what-events-change';
import type { ResponseStore } from './store';

const OWNERS: Exchange[] = ['users', 'movies', 'catalog'];
const RETRY_MS = 5_000;

export interface InvalidationOptions {
  url: string;
  namespace?: string;
  store: ResponseStore;
  logger: Logger;
}

/**
 * Feeds every event of every owner to the store, on a queue of this process alone (each gateway
 * process keeps its own store, so each must see every event). The store is live only while that
 * queue is bound: until the first connection, and from a lost connection until the queue is back
 * (it is exclusive, so it went with the connection, with whatever was published meanwhile), the
 * gateway answers every query from the subgraphs. A broker that is down at start is retried in
 * the background; the gateway serves meanwhile, uncached.
 */
export function startInvalidation(o: InvalidationOptions): { queue: string; stop(): Promise<void> } {
  const queue = `gateway:response-cache:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
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

  async function connect() {
    let b: Broker | undefined;
    try {
      b = await createBroker(buildTopology({ url: o.url, namespace: o.namespace, observes: { queue, exchanges: OWNERS } }), o.logger);
      const current = b;
      b.on('disconnect', () => broker === current && o.store.setAvailable(false));
      // Re-emitted once the topology (our queue and its bindings) is asserted again after a reconnection.
      b.on('vhost_initialised', () => broker === current && o.store.setAvailable(true));
      const sub = await b.subscribe(queue);
      sub.on('message', (_msg, content: { type?: unknown }, ackOrNack) => {
        const type = typeof content?.type === 'string' ? content.type : '';
        // An event this gateway does not know may change anything: drop every response.
        if (isEventType(type)) o.store.invalidate(CHANGED_BY[type]);
        else o.store.clear();
        ackOrNack();
      });
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
