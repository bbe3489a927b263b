import type { DomainEvent } from '@cinema/events';
import type { Collection, Filter, ObjectId, UpdateFilter } from 'mongodb';
import { withDocLock } from './doc-lock';
import { outboxEntry, type OutboxEntry } from './trace-context';

/**
 * Consistency rule 1: the event is written into the entity's own document, in the same single-
 * document update as the change, so the two can never disagree (no transactions needed: one
 * document is atomic on every MongoDB and on FerretDB). The relay removes an entry only after the
 * broker confirmed it.
 */
export interface OutboxDoc {
  _id: ObjectId;
  version: number;
  outbox?: OutboxEntry[];
  /**
   * Set with every recorded event, unset once the outbox is empty: what the sweep looks for. An
   * indexed scalar, because "array not empty" cannot use an index on MongoDB nor be pushed down on
   * FerretDB (a full scan per sweep: 80 ms at 4 000 documents, measured).
   */
  outboxPending?: true;
}

/**
 * A new document with its first event recorded (the insert is the single write). Hand
 * `doc.outbox` (not the bare event) to OnEvents: the entry may carry the trace context too.
 */
export function withEvent<T extends object>(doc: T, event: DomainEvent): T & { outbox: OutboxEntry[]; outboxPending: true } {
  return { ...doc, outbox: [outboxEntry(event)], outboxPending: true };
}

/** Called after a write with the entries it recorded, so the relay can publish them at once. */
export type OnEvents = (collection: Collection<any>, id: ObjectId, entries: OutboxEntry[]) => void;

/**
 * Reads the document by `_id` alone and checks the filter's other (plain equality) fields here:
 * FerretDB's SQLite backend uses its `_id` index only for a filter that is exactly `{ _id }` and
 * scans the collection for anything more. Filters with operators are left to the server.
 */
async function findMatching<T extends OutboxDoc>(collection: Collection<T>, filter: Filter<T>): Promise<T | null> {
  const rest = Object.entries(filter).filter(([k]) => k !== '_id');
  const plain = rest.every(([, v]) => v === null || typeof v !== 'object' || v instanceof Date);
  if (!plain) return (await collection.findOne(filter)) as T | null;
  const doc = (await collection.findOne({ _id: filter._id } as Filter<T>)) as T | null;
  const same = (a: unknown, b: unknown) => (b === null ? a == null : a instanceof Date && b instanceof Date ? +a === +b : a === b);
  return doc && rest.every(([k, v]) => same((doc as Record<string, unknown>)[k], v)) ? doc : null;
}

export class ConcurrentUpdateError extends Error {
  constructor(id: ObjectId) {
    super(`document ${id.toHexString()} kept changing under concurrent updates; try again`);
  }
}

/**
 * Optimistic versioned update: reads the current document, lets `change` compute the new fields
 * and the event for `version + 1`, and writes both only if nobody changed the document meanwhile.
 * `filter` names the `_id` and may add plain equality conditions (`deletedAt: null`). Returns null
 * when it matches nothing (or `change` declines), the new document otherwise.
 */
export async function updateWithEvent<T extends OutboxDoc>(
  collection: Collection<T>,
  filter: Filter<T>,
  change: (current: T, version: number) => { set: Partial<T>; event: DomainEvent } | null,
  onEvents?: OnEvents,
  attempts = 5,
): Promise<T | null> {
  const id = filter._id as ObjectId;
  for (let i = 0; i < attempts; i++) {
    const written = await withDocLock(collection, id, async () => {
      const current = await findMatching(collection, filter);
      if (!current) return { done: true as const, doc: null };
      const version = current.version + 1;
      const next = change(current, version);
      if (!next) return { done: true as const, doc: null };
      const entry = outboxEntry(next.event);
      const update = { $set: { ...next.set, version, outboxPending: true }, $push: { outbox: entry } } as unknown as UpdateFilter<T>;
      // The version guard keeps this atomic across processes on MongoDB (rule 5).
      const result = await collection.updateOne({ _id: current._id, version: current.version } as Filter<T>, update);
      if (result.matchedCount !== 1) return { done: false as const };
      onEvents?.(collection, current._id, [entry]);
      return { done: true as const, doc: { ...current, ...next.set, version, outbox: [...(current.outbox ?? []), entry], outboxPending: true } as T };
    });
    if (written.done) return written.doc;
  }
  throw new ConcurrentUpdateError(id);
}
