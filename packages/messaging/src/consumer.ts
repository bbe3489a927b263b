import { isUtf8 } from 'node:buffer';
import { parseEvent, type DomainEvent, type EventType } from '@cinema/events';
import type { Logger } from 'pino';
import type { Message } from 'amqplib';
import type { AckOrNack } from 'rascal';
import type { Broker } from './broker';
import type { DeadLetterReason, MessagingObserver } from './observer';
import { traceConsume } from './trace-context';

/** A failure that retrying cannot fix: the message goes to the dead-letter queue with the reason. */
export class PermanentError extends Error {}

export interface ConsumerOptions {
  broker: Broker;
  /** Rascal subscription name (= the consumer queue). */
  subscription: string;
  /** The event types this consumer's bindings deliver; anything else is a topology error. */
  handles: readonly EventType[];
  /** Applies the event; may say how it went (e.g. 'applied' or 'stale'), which is logged. */
  handle: (event: DomainEvent, log: Logger) => Promise<unknown>;
  logger: Logger;
  observer?: MessagingObserver;
}

// Dead-lettering through republish lets Rascal write the reason into the message headers
// (rascal.error.message) before the nack routes it to the queue's dead-letter exchange.
const DEAD_LETTER = { strategy: 'republish', immediateNack: true } as const;
// Any failure that is not known to be permanent (a database down or failing over, a bug being
// fixed): back off and keep the message, never give up. Not dead-lettered after N tries, because
// Rascal counts republishes per queue, not per cause: a message that outlived a long database
// outage would be dead-lettered by the first other error.
const RETRY = [
  { strategy: 'republish', defer: 200, attempts: 3 },
  { strategy: 'republish', defer: 1_000, attempts: 10 },
  { strategy: 'republish', defer: 5_000 },
] as const;

/**
 * The largest event body a consumer accepts. Events carry one entity's state, a few kB at most (a
 * movie with a 5 000-character synopsis); megabytes can only come from a broken or hostile producer
 * and would otherwise be written into a read model as they are.
 */
export const MAX_EVENT_BYTES = 256 * 1024;

/** Why a body is refused before it is even read as an event, or undefined. */
function refuseBody(content: Buffer): string | undefined {
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

  const onMessage = async (message: Message, content: unknown, ackOrNack: AckOrNack) => {
    const refused = refuseBody(message.content);
    const parsed = refused ? ({ ok: false, reason: refused } as const) : parseEvent(content);
    if (!parsed.ok || !o.handles.includes(parsed.event.type)) {
      const reason = parsed.ok ? `unexpected event type ${parsed.event.type} on ${o.subscription}` : parsed.reason;
      o.logger.warn({ messageId: message.properties.messageId, reason }, 'dead-lettering a message that cannot be handled');
      deadLettered('invalid');
      return ackOrNack(new PermanentError(reason), DEAD_LETTER);
    }
    const event = parsed.event;
    const log = o.logger.child({ eventId: event.eventId, correlationId: event.correlationId, type: event.type, aggregateId: event.aggregateId });
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    // The span continues the publisher's trace (headers), so the handler's writes hang below it.
    await traceConsume(message.properties.headers, queue, event, async (span) => {
      try {
        const said = await o.handle(event, log);
        ackOrNack();
        const outcome = typeof said === 'string' ? said : undefined;
        span.setAttribute('cinema.consume.outcome', outcome ?? 'ok');
        o.observer?.consumed?.(queue, event, outcome ?? 'ok', seconds());
        log.info({ version: event.aggregateVersion, outcome }, 'event handled');
      } catch (err) {
        if (err instanceof PermanentError) {
          log.warn({ err }, 'dead-lettering an event its handler rejected');
          deadLettered('rejected', event);
          span.setAttribute('cinema.consume.outcome', 'dead_lettered');
          return ackOrNack(err, DEAD_LETTER);
        }
        // Unexpected errors are logged as errors: a message retried forever needs a human to look.
        log[isTransient(err) ? 'warn' : 'error']({ err }, 'event handling failed; retrying with backoff');
        o.observer?.retried?.(queue, event, seconds());
        span.setAttribute('cinema.consume.outcome', 'retried');
        ackOrNack(err as Error, RETRY as never);
      }
    });
  };

  subscription
    .on('message', (message: Message, content: unknown, ackOrNack: AckOrNack) => {
      const task = onMessage(message, content, ackOrNack);
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    })
    .on('invalid_content', (err: Error, message: Message, ackOrNack: AckOrNack) => {
      o.logger.warn({ err, messageId: message.properties.messageId }, 'dead-lettering a message that is not JSON');
      deadLettered('invalid');
      ackOrNack(new PermanentError(`invalid content: ${err.message}`), DEAD_LETTER);
    })
    .on('redeliveries_exceeded', (err: Error, message: Message, ackOrNack: AckOrNack) => {
      o.logger.warn({ err, messageId: message.properties.messageId }, 'dead-lettering a message redelivered too often');
      deadLettered('redelivered');
      ackOrNack(err, DEAD_LETTER);
    })
    .on('error', (err: Error) => o.logger.error({ err, subscription: o.subscription }, 'subscription error'));

  return {
    /** Stops consuming, then waits for the messages being handled to be acked. */
    async stop() {
      await subscription.cancel().catch((err: Error) => o.logger.warn({ err }, 'cancel failed'));
      await Promise.allSettled([...inFlight]);
    },
  };
}
