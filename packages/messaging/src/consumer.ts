import { isUtf8 } from 'node:buffer';
import { parseEvent, type DomainEvent, type EventType } from '@cinema/events';
import type { Logger } from 'pino';
import type { Message } from 'amqplib';
import type { AckOrNack } from 'rascal';
import type { Broker } from './broker';
import type { PlaneIdentity } from './broker-user';
import type { DeadLetterReason, MessagingObserver } from './observer';
import { PermanentError } from './permanent-error';
import { verifyPublisher } from './publisher-identity';
import { PUBLICATION } from './topology';
import { traceConsume } from './trace-context';
import { ImplausibleVersionError, type Origin } from './version-rule';


/** How an event reached the consumer: `resync` for the owner's state sent to this queue alone. */
export interface Delivery {
  origin: Origin;
}

export interface ConsumerOptions {
  broker: Broker;
  /** Rascal subscription name (= the consumer queue). */
  subscription: string;
  /** The event types this consumer's bindings deliver; anything else is a topology error. */
  handles: readonly EventType[];
  /** Applies the event; may say how it went (e.g. 'applied' or 'stale'), which is logged. */
  handle: (event: DomainEvent, log: Logger, delivery: Delivery) => Promise<unknown>;
  /** Who we are and who the owners are on the broker: every event's publisher is checked. */
  identity: PlaneIdentity;
  namespace?: string;
  logger: Logger;
  observer?: MessagingObserver;
}

// Both ways out go through exchanges of the consumer's own (topology.ts), never through the default
// exchange, which would let a consumer's broker user write into any queue. Rascal's `forward` writes
// the reason into the message's headers (rascal.error.message) and publishes with our own user_id.
// Dead-lettering goes straight to the queue's dead-letter exchange.
const deadLetter = (queue: string) => ({ strategy: 'forward', publication: PUBLICATION.deadLetter(queue) }) as const;
// Any failure that is not known to be permanent (a database down or failing over, a bug being
// fixed): back off and keep the message, never give up. Not dead-lettered after N tries, because
// Rascal counts forwards per queue, not per cause: a message that outlived a long database
// outage would be dead-lettered by the first other error.
const retry = (queue: string) =>
  [
    { strategy: 'forward', publication: PUBLICATION.retry(queue), defer: 200, attempts: 3 },
    { strategy: 'forward', publication: PUBLICATION.retry(queue), defer: 1_000, attempts: 10 },
    { strategy: 'forward', publication: PUBLICATION.retry(queue), defer: 5_000 },
  ] as const;

/**
 * Forwarding republishes with our user_id: the original publisher's (the broker's word) is kept in
 * a header, for whoever reads the dead letters. Set once, on the first forward.
 */
const PUBLISHED_BY = 'x-published-by';
function keepPublisher(message: Message): void {
  const headers = (message.properties.headers ??= {});
  if (!headers.rascal?.restoreRoutingHeaders) headers[PUBLISHED_BY] = message.properties.userId ?? null;
}

/**
 * The largest event body a consumer accepts. Events carry one entity's state, a few kB at most (a
 * movie with a 5 000-character synopsis); megabytes can only come from a broken or hostile producer
 * and would otherwise be written into a read model as they are.
 */
export const MAX_EVENT_BYTES = 256 * 1024;

/** Why a body is refused before it is even read as an event, or undefined. */
export function refuseBody(content: Buffer): string | undefined {
  if (content.length > MAX_EVENT_BYTES) return `message body of ${content.length} bytes exceeds the ${MAX_EVENT_BYTES}-byte limit`;
  // JSON.parse would read invalid bytes as U+FFFD and the replica would store text nobody sent.
  if (!isUtf8(content)) return 'message body is not valid UTF-8';
  return undefined;
}

/** Network trouble, or an error the driver labels retryable (failover, pool reset): expected, not a bug. */
function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const labels = (err as unknown as { errorLabels?: unknown }).errorLabels;
  return /^Mongo(Network|ServerSelection|NotConnected|Topology)|PoolCleared|Timeout/.test(err.name) || (Array.isArray(labels) && labels.length > 0);
}

/**
 * Consistency rule 4: validate, handle, then ack (after the write). Every message ends acked,
 * retried with backoff, or dead-lettered with a reason: nothing is dropped, nothing crashes.
 */
export async function startConsumer(o: ConsumerOptions): Promise<{ stop(): Promise<void> }> {
  const inFlight = new Set<Promise<void>>();
  const subscription = await o.broker.subscribe(o.subscription);
  const queue = o.subscription;
  const deadLettered = (reason: DeadLetterReason, event?: DomainEvent) => o.observer?.deadLettered?.(queue, reason, event);

  const refuse = (message: Message, ackOrNack: AckOrNack, why: DeadLetterReason, reason: string, event?: DomainEvent) => {
    o.logger.warn({ messageId: message.properties.messageId, publishedBy: message.properties.userId, reason, why }, 'dead-lettering a message that cannot be handled');
    deadLettered(why, event);
    keepPublisher(message);
    ackOrNack(new PermanentError(reason), deadLetter(queue));
  };

  const onMessage = async (message: Message, content: unknown, ackOrNack: AckOrNack) => {
    const refused = refuseBody(message.content);
    const parsed = refused ? ({ ok: false, reason: refused } as const) : parseEvent(content);
    if (!parsed.ok) return refuse(message, ackOrNack, 'invalid', parsed.reason);
    // Who published it, before what it says is even looked at.
    const publisher = verifyPublisher(parsed.event, message, o.identity, o.namespace);
    if (!publisher.ok) return refuse(message, ackOrNack, 'forged', publisher.reason);
    if (!o.handles.includes(parsed.event.type)) return refuse(message, ackOrNack, 'invalid', `unexpected event type ${parsed.event.type} on ${o.subscription}`);
    const event = parsed.event;
    const log = o.logger.child({ eventId: event.eventId, correlationId: event.correlationId, type: event.type, aggregateId: event.aggregateId });
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    // The span continues the publisher's trace (headers), so the handler's writes hang below it.
    await traceConsume(message.properties.headers, queue, event, async (span) => {
      try {
        const said = await o.handle(event, log, { origin: publisher.origin });
        ackOrNack();
        const outcome = typeof said === 'string' ? said : undefined;
        span.setAttribute('cinema.consume.outcome', outcome ?? 'ok');
        o.observer?.consumed?.(queue, event, outcome ?? 'ok', seconds());
        log.info({ version: event.aggregateVersion, outcome }, 'event handled');
      } catch (err) {
        if (err instanceof PermanentError) {
          log.warn({ err }, 'dead-lettering an event its handler rejected');
          deadLettered(err instanceof ImplausibleVersionError ? 'implausible' : 'rejected', event);
          span.setAttribute('cinema.consume.outcome', 'dead_lettered');
          keepPublisher(message);
          return ackOrNack(err, deadLetter(queue));
        }
        // Unexpected errors are logged as errors: a message retried forever needs a human to look.
        log[isTransient(err) ? 'warn' : 'error']({ err }, 'event handling failed; retrying with backoff');
        o.observer?.retried?.(queue, event, seconds());
        span.setAttribute('cinema.consume.outcome', 'retried');
        keepPublisher(message);
        ackOrNack(err as Error, retry(queue) as never);
      }
    });
  };

  subscription
    .on('message', (message: Message, content: unknown, ackOrNack: AckOrNack) => {
      const task = onMessage(message, content, ackOrNack);
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    })
    .on('invalid_content', (err: Error, message: Message, ackOrNack: AckOrNack) => refuse(message, ackOrNack, 'invalid', `invalid content: ${err.message}`))
    .on('redeliveries_exceeded', (err: Error, message: Message, ackOrNack: AckOrNack) => refuse(message, ackOrNack, 'redelivered', err.message))
    .on('error', (err: Error) => o.logger.error({ err, subscription: o.subscription }, 'subscription error'));

  return {
    /** Stops consuming, then waits for the messages being handled to be acked. */
    async stop() {
      await subscription.cancel().catch((err: Error) => o.logger.warn({ err }, 'cancel failed'));
      await Promise.allSettled([...inFlight]);
    },
  };
}
