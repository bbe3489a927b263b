import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * The envelope every event travels in (architecture.md, "Events"). `messageId` on the wire equals
 * `eventId` and the routing key equals `type`. Events carry the entity's state after the change
 * (event-carried state transfer), so a consumer needs only the newest version it has seen.
 */
/** The id of every entity in this system: a MongoDB ObjectId as 24 lower-case hex digits. */
export const entityId = z.string().regex(/^[0-9a-f]{24}$/);

// The descriptions are published in the event catalog (docs/asyncapi.yaml, docs/events.md).
export const envelopeSchema = z.object({
  eventId: z.uuid().describe('Unique per event; also the AMQP messageId. Consumers deduplicate on it.'),
  type: z.string().regex(/^[a-z]+(\.[a-z]+)+$/).describe('`entity.event`, past tense; also the routing key and the AMQP type.'),
  schemaVersion: z.number().int().positive().describe("Version of `data`'s schema; a consumer dead-letters a version it does not support."),
  source: z.string().min(1).describe('The owning service, which is also the exchange.'),
  aggregateType: z.string().min(1),
  aggregateId: z.string().min(1),
  aggregateVersion: z.number().int().positive().describe("The entity document's version after the change: strictly increasing per entity."),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).max(200).describe('The request (or resync) that caused the change, for logs and traces.'),
  causationId: z.string().max(200).nullable().describe('The event that caused this one, if any.'),
  data: z.record(z.string(), z.unknown()).describe("The entity's state after the change (event-carried state transfer)."),
});

export type Envelope<T extends string = string, D = Record<string, unknown>> = Omit<
  z.infer<typeof envelopeSchema>,
  'type' | 'data'
> & { type: T; data: D };

/** What links an event to the request (or the event) that caused it. */
export interface Cause {
  correlationId: string;
  causationId?: string | null;
}

export function envelope<T extends string, D>(
  fields: { type: T; source: string; aggregateType: string; schemaVersion: number; data: D },
  aggregate: { id: string; version: number },
  cause: Cause,
  now: Date = new Date(),
): Envelope<T, D> {
  return {
    eventId: randomUUID(),
    type: fields.type,
    schemaVersion: fields.schemaVersion,
    source: fields.source,
    aggregateType: fields.aggregateType,
    aggregateId: aggregate.id,
    aggregateVersion: aggregate.version,
    occurredAt: now.toISOString(),
    correlationId: cause.correlationId,
    causationId: cause.causationId ?? null,
    data: fields.data,
  };
}
