import { BrokerAsPromised, withDefaultConfig, type BrokerConfig } from 'rascal';
import type { Logger } from 'pino';

export type Broker = BrokerAsPromised;

/**
 * How long one attempt to connect and declare the topology may take. amqplib bounds the connection
 * and its handshake (Rascal's socket timeout); nothing bounds the declarations after it. A broker
 * that accepted the connection and then stopped answering would otherwise hold the caller's start
 * for good: a service would serve without messaging until restarted.
 */
export const BROKER_SETUP_TIMEOUT_MS = 20_000;

export class BrokerSetupTimeoutError extends Error {}

/**
 * Connects and declares `config`'s topology, within `setupTimeoutMs`. An attempt that overruns is
 * given up (the caller retries); if it completes later, what it made is shut down at once.
 */
export async function createBroker(config: BrokerConfig, logger: Logger, setupTimeoutMs = BROKER_SETUP_TIMEOUT_MS): Promise<Broker> {
  const attempt = createBrokerUnbounded(config, logger);
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BrokerSetupTimeoutError(`the broker did not finish connecting and declaring the topology within ${setupTimeoutMs / 1000}s`)), setupTimeoutMs);
  });
  try {
    return await Promise.race([attempt, overrun]);
  } catch (err) {
    if (err instanceof BrokerSetupTimeoutError) {
      attempt.then((late) => late.shutdown()).catch((e: Error) => logger.warn({ err: e }, 'giving up a broker start that overran'));
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creates the Rascal broker and attaches the listeners Rascal requires: without them an amqplib
 * error would crash the process instead of being recovered from. Rascal reconnects by itself and
 * re-applies the topology (`vhost_initialised`).
 */
async function createBrokerUnbounded(config: BrokerConfig, logger: Logger): Promise<Broker> {
  let broker: Broker;
  try {
    broker = await BrokerAsPromised.create(withDefaultConfig(config));
  } catch (err) {
    // Rascal hands the half-made broker back on the error (`err[err.broker]`). It already holds a
    // keep-alive interval (and whatever it connected), so every failed attempt, retried while the
    // broker is down, would leak one and keep the process alive after shutdown: shut it down.
    const failed = err as { broker?: symbol } & Record<symbol, Broker | undefined>;
    const partial = typeof failed?.broker === 'symbol' ? failed[failed.broker] : undefined;
    // It has none of the listeners below: a late error of its connection would be thrown instead.
    partial?.on('error', (e: Error) => logger.warn({ err: e }, 'broker error while giving up a failed start'));
    await partial?.shutdown().catch(() => undefined);
    throw err;
  }
  broker.on('error', (err: Error, ctx?: { vhost?: string }) => logger.error({ err, vhost: ctx?.vhost }, 'broker error'));
  broker.on('vhost_initialised', ({ vhost }: { vhost: string }) => logger.info({ vhost }, 'broker (re)connected'));
  broker.on('blocked', (reason: string) => logger.warn({ reason }, 'broker blocked publishing (resource alarm)'));
  broker.on('unblocked', () => logger.info('broker unblocked publishing'));
  return broker;
}

export class UnroutableError extends Error {
  constructor(messageId: string, routingKey: string) {
    super(`message ${messageId} (${routingKey}) was returned unroutable`);
  }
}
export class BrokerUnavailableError extends Error {}

export interface PublishOptions {
  /** Omitted for a publication that names its queue. */
  routingKey?: string;
  messageId: string;
  correlationId?: string;
  type?: string;
  headers?: Record<string, unknown>;
}

/**
 * Publishes one persistent, mandatory message and resolves only when the broker confirmed it.
 * An unroutable return rejects (RabbitMQ sends basic.return before the confirm). While the
 * connection is down the publish is aborted instead of queued in memory: the caller (the outbox)
 * still holds the message and will try again.
 */
export async function publishConfirmed(
  broker: Broker,
  publication: string,
  content: unknown,
  o: PublishOptions,
): Promise<void> {
  const pub = await broker.publish(publication, content, {
    ...(o.routingKey !== undefined ? { routingKey: o.routingKey } : {}),
    options: {
      messageId: o.messageId,
      correlationId: o.correlationId,
      type: o.type,
      timestamp: Math.floor(Date.now() / 1000),
      headers: o.headers,
    },
  });
  await new Promise<void>((resolve, reject) => {
    let returned = false;
    pub.on('return', () => {
      returned = true;
      reject(new UnroutableError(o.messageId, o.routingKey ?? publication));
    });
    pub.on('success', () => setImmediate(() => (returned ? undefined : resolve())));
    pub.on('error', (err: Error) => reject(err));
    // 'paused' and abort() exist in Rascal but not in @types/rascal.
    const session = pub as unknown as { on(e: 'paused', cb: () => void): void; abort(): void };
    session.on('paused', () => {
      session.abort();
      reject(new BrokerUnavailableError('broker connection is down; message left for a later attempt'));
    });
  });
}
