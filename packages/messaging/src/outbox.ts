import type { DomainEvent } from '@cinema/events';
import type { Collection, Filter, ObjectId, UpdateFilter } from 'mongodb';
import { outboxEntry, type OutboxEntry } from './trace-context';

/**
 * Consistency rule 1: the event is written into the entity's own document, in the same single-
 * document update as the change, so the two can never disagree (no transactions needed: one
 * document is atomic on MongoDB, and on our FerretDB build, scripts/ferretdb.patch). The relay
 * removes an entry only after the broker confirmed it.
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

export class ConcurrentUpdateError extends Error {
  constructor(id: ObjectId) {
    super(`document ${id.toHexString()} kept changing under concurrent updates; try again`);
  }
}

/** Options of updateWithEvent. */
export interface UpdateWithEventOptions {
  attempts?: number;
  /**
   * The counter the guard and the event's version use (default `version`). A document may hold a
   * second aggregate beside its entity (users keeps a user's credit account in the user's
   * document): that one counts its own versions, so the entity's replicas never see a gap.
   */
  versionField?: string;
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
  options: UpdateWithEventOptions | number = {},
): Promise<T | null> {
  const { attempts = 5, versionField = 'version' } = typeof options === 'number' ? { attempts: options } : options;
  const id = filter._id as ObjectId;
  for (let i = 0; i < attempts; i++) {
    const current = (await collection.findOne(filter)) as T | null;
    if (!current) return null;
    // A counter the document never had yet (an account opened on an older user) counts from 0;
    // the guard's null matches the missing field.
    const held = ((current as Record<string, unknown>)[versionField] as number | undefined) ?? null;
    const version = (held ?? 0) + 1;
    const next = change(current, version);
    if (!next) return null;
    const entry = outboxEntry(next.event);
    const update = { $set: { ...next.set, [versionField]: version, outboxPending: true }, $push: { outbox: entry } } as unknown as UpdateFilter<T>;
    // Written only if nobody changed the document since it was read (rule 5: any number of
    // writers, in any number of processes); otherwise read it again.
    const result = await collection.updateOne({ _id: current._id, [versionField]: held } as Filter<T>, update);
    if (result.matchedCount !== 1) continue;
    onEvents?.(collection, current._id, [entry]);
    return { ...current, ...next.set, [versionField]: version, outbox: [...(current.outbox ?? []), entry], outboxPending: true } as T;
  }
  throw new ConcurrentUpdateError(id);
}
