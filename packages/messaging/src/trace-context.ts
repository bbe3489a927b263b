import type { DomainEvent } from '@cinema/events';
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { contextFrom, traceCarrier, tracer, type TraceCarrier } from '@cinema/telemetry';

/**
 * An outbox entry: the event envelope exactly as it will be published, plus (beside it, never
 * published) the trace context of the write that recorded it. The relay may publish much later
 * (a sweep, another process after a crash), so the context must live in the document: that is
 * what keeps a mutation and its replication in one trace.
 */
export type OutboxEntry = DomainEvent & { traceContext?: TraceCarrier };

/** The event with the active trace context beside it (nothing added while tracing is off). */
export function outboxEntry(event: DomainEvent): OutboxEntry {
  const carrier = traceCarrier();
  return carrier ? { ...event, traceContext: carrier } : event;
}

/** The envelope alone: what goes on the wire. */
export function envelopeOf(entry: OutboxEntry): DomainEvent {
  if (!('traceContext' in entry)) return entry;
  const { traceContext: _ignored, ...event } = entry;
  return event;
}

const failed = (span: Span, err: unknown) => {
  span.recordException(err as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
};

/**
 * A PRODUCER span under the context saved with the entry; `send` gets the headers that carry the
 * span on to the consumer (W3C `traceparent`/`tracestate` in the AMQP message headers).
 */
export async function tracePublish<T>(entry: OutboxEntry, exchange: string, send: (headers: Record<string, string>) => Promise<T>): Promise<T> {
  const span = tracer.startSpan(
    'event.publish',
    { kind: SpanKind.PRODUCER, attributes: eventAttributes(entry, { 'messaging.destination.name': exchange, 'messaging.operation.type': 'send' }) },
    contextFrom(entry.traceContext as Record<string, unknown> | undefined),
  );
  try {
    return await send({ ...traceCarrier(trace.setSpan(context.active(), span)) });
  } catch (err) {
    failed(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** A CONSUMER span continuing the publisher's trace from the message headers; `fn` runs inside it. */
export async function traceConsume<T>(
  headers: Record<string, unknown> | undefined,
  queue: string,
  event: DomainEvent,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(
    'event.consume',
    { kind: SpanKind.CONSUMER, attributes: eventAttributes(event, { 'messaging.destination.name': queue, 'messaging.operation.type': 'process' }) },
    contextFrom(headers),
  );
  try {
    return await context.with(trace.setSpan(context.active(), span), () => fn(span));
  } catch (err) {
    failed(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** An INTERNAL span around one read-model write, under whatever is active (the consume span). */
export async function traceApply<T extends string>(collection: string, event: { id: string; version: number }, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(
    'projection.apply',
    { attributes: { 'db.collection.name': collection, 'cinema.aggregate.id': event.id, 'cinema.aggregate.version': event.version } },
    async (span) => {
      try {
        const outcome = await fn();
        span.setAttribute('cinema.projection.outcome', outcome);
        return outcome;
      } catch (err) {
        failed(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

function eventAttributes(event: DomainEvent, extra: Record<string, string>) {
  return {
    'messaging.system': 'rabbitmq',
    'messaging.message.id': event.eventId,
    'messaging.rabbitmq.destination.routing_key': event.type,
    'cinema.event.type': event.type,
    'cinema.correlation_id': event.correlationId,
    ...extra,
  };
}
