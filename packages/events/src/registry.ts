import type { z } from 'zod';
import { envelope, envelopeSchema, type Cause, type Envelope } from './envelope';
import { bookingEvents } from './bookings';
import { catalogEvents } from './catalog';
import { creditEvents } from './credits';
import { movieEvents } from './movies';
import { userEvents } from './users';

/**
 * Every event of the system, once: its exchange, aggregate type, current schema version and data.
 * `accepts` lists older schema versions consumers still read, whose data the current schema reads
 * too (a version that only dropped fields: the dropped ones are stripped). A change that is not a
 * plain removal needs an upcast here before it may be listed.
 */
export const EVENTS = { ...userEvents, ...creditEvents, ...movieEvents, ...catalogEvents, ...bookingEvents } as const;

export type EventType = keyof typeof EVENTS;
export type EventData<T extends EventType> = z.infer<(typeof EVENTS)[T]['data']>;
export type DomainEvent<T extends EventType = EventType> = { [K in T]: Envelope<K, EventData<K>> }[T];
export type Exchange = (typeof EVENTS)[EventType]['exchange'];

export const isEventType = (type: string): type is EventType => Object.hasOwn(EVENTS, type);
export const exchangeOf = (type: EventType): Exchange => EVENTS[type].exchange;
export const eventTypesOf = (exchange: Exchange) =>
  (Object.keys(EVENTS) as EventType[]).filter((t) => EVENTS[t].exchange === exchange);

/** Builds an event of `type` for the aggregate at `version` (its version after the change). */
export function newEvent<T extends EventType>(
  type: T,
  aggregate: { id: string; version: number },
  data: EventData<T>,
  cause: Cause,
  now?: Date,
): DomainEvent<T> {
  const def = EVENTS[type];
  return envelope(
    { type, source: def.exchange, aggregateType: def.aggregateType, schemaVersion: def.schemaVersion, data },
    aggregate,
    cause,
    now,
  ) as DomainEvent<T>;
}

/** The schema versions of `type` a consumer reads: the current one and those it still accepts. */
export function acceptedVersions(type: EventType): readonly number[] {
  const def: { schemaVersion: number; accepts?: readonly number[] } = EVENTS[type];
  return [def.schemaVersion, ...(def.accepts ?? [])];
}

export type ParseResult = { ok: true; event: DomainEvent } | { ok: false; reason: string };

/**
 * Validates an incoming message before any handler sees it. Every failure here is permanent
 * (retrying cannot fix it): the consumer dead-letters the message with `reason`.
 */
export function parseEvent(content: unknown): ParseResult {
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    return { ok: false, reason: 'message body is not a JSON object' };
  }
  const shape = envelopeSchema.safeParse(content);
  if (!shape.success) return { ok: false, reason: `invalid envelope: ${describe(shape.error)}` };
  const { type, schemaVersion, data } = shape.data;
  if (!isEventType(type)) return { ok: false, reason: `unknown event type "${type}"` };
  const def = EVENTS[type];
  const supported = [...acceptedVersions(type)];
  if (!supported.includes(schemaVersion)) {
    return { ok: false, reason: `unsupported schemaVersion ${schemaVersion} of ${type} (supported: ${supported.join(', ')})` };
  }
  // Only an exchange's owner publishes its events; the consumer checks who published (user_id) against this.
  if (shape.data.source !== def.exchange) return { ok: false, reason: `source "${shape.data.source}" does not publish ${type} (its owner is ${def.exchange})` };
  if (shape.data.aggregateType !== def.aggregateType) {
    return { ok: false, reason: `aggregateType "${shape.data.aggregateType}" does not match ${type}` };
  }
  const parsed = def.data.safeParse(data);
  if (!parsed.success) return { ok: false, reason: `invalid data of ${type}: ${describe(parsed.error)}` };
  return { ok: true, event: { ...shape.data, type, data: parsed.data } as DomainEvent };
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'} ${i.message}`)
    .join('; ');
}
