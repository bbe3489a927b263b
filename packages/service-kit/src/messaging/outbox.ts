import type { DomainEvent } from '@cinema/events';
import type { Collection, Filter, ObjectId, UpdateFilter } from 'mongodb';
import { withDocLock } from './doc-lock';

/**
 * Consistency rule 1: the event is written into the entity's own document, in the same single-
 * document update as the change, so the two can never disagree (no transactions needed: one
 * document is atomic on every MongoDB and on FerretDB). The relay removes an entry only after the
 * broker confirmed it.
 */
export interface OutboxDoc {
  _id: ObjectId;
  version: number;
  outbox?: DomainEvent[];
  /**
   * Set with every recorded event, unset once the outbox is empty: what the sweep looks for. An
   * indexed scalar, because "array not empty" cannot use an index on MongoDB nor be pushed down on
   * FerretDB (a full scan per sweep: 80 ms at 4 000 documents, measured).
   */
  outboxPending?: true;
}

/** A new document with its first event recorded (the insert is the single write). */
export function withEvent<T extends object>(doc: T, event: DomainEvent): T & { outbox: DomainEvent[]; outboxPending: true } {
  return { ...doc, outbox: [event], outboxPending: true };
}

/** Called after a write with the events it recorded, so the relay can publish them at once. */
export type OnEvents = (collection: Collection<any>, id: ObjectId, events: DomainEvent[]) => void;

export class ConcurrentUpdateError extends Error {
  constructor(id: ObjectId) {
    super(`document ${id.toHexString()} kept changing under concurrent updates; try again`);
  }
}

/**
 * Optimistic versioned update: reads the current document, lets `change` compute the new fields
 * and the event for `version + 1`, and writes both only if nobody changed the document meanwhile.
 * Returns null when `filter` matches nothing (or `change` declines), the new document otherwise.
 */
export async function updateWithEvent<T extends OutboxDoc>(
  collection: Collection<T>,
  filter: Filter<T>,
  change: (current: T, version: number) => { set: Partial<T>; event: DomainEvent } | null,
  onEvents?: OnEvents,
  attempts = 5,
): Promise<T | null> {
  for (let i = 0; i < attempts; i++) {
    const found = (await collection.findOne(filter, { projection: { _id: 1 } })) as T | null;
    if (!found) return null;
    const written = await withDocLock(collection, found._id, async () => {
      const current = (await collection.findOne({ ...filter, _id: found._id } as Filter<T>)) as T | null;
      if (!current) return { done: true as const, doc: null };
      const version = current.version + 1;
      const next = change(current, version);
      if (!next) return { done: true as const, doc: null };
      const update = { $set: { ...next.set, version, outboxPending: true }, $push: { outbox: next.event } } as unknown as UpdateFilter<T>;
      const result = await collection.updateOne({ _id: current._id, version: current.version } as Filter<T>, update);
      if (result.matchedCount !== 1) return { done: false as const };
      onEvents?.(collection, current._id, [next.event]);
      return { done: true as const, doc: { ...current, ...next.set, version, outbox: [...(current.outbox ?? []), next.event], outboxPending: true } as T };
    });
    if (written.done) return written.doc;
  }
  throw new ConcurrentUpdateError(filter._id as ObjectId);
}
