import type { FormattedExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';

/** The types' generations a request saw when it started, kept with its response. */
export interface Snapshot {
  epoch: number;
  generations: number[];
}

interface Entry {
  result: FormattedExecutionResult;
  tags: readonly string[];
  seen: Snapshot;
}

export interface ResponseStoreOptions {
  maxBytes: number;
  ttlMs: number;
}

/**
 * Responses by key, each tagged with the types it holds. Eviction is by generation, not by search:
 * an event bumps its types' generations (`invalidate`), and a response whose snapshot no longer
 * matches is stale. Because the snapshot is taken when the request starts, a response computed
 * while an event arrived is stale at once: it cannot outlive the event it raced. While events may
 * be missed (no broker connection) nothing is read or kept, and every response kept before is void.
 */
export class ResponseStore {
  private readonly generations = new Map<string, number>();
  private epoch = 0;
  private live = false;
  private readonly lru: LRUCache<string, Entry>;

  constructor(o: ResponseStoreOptions) {
    this.lru = new LRUCache<string, Entry>({ maxSize: o.maxBytes, ttl: o.ttlMs });
  }

  get available(): boolean {
    return this.live;
  }

  /** Connected to the events (true) or not (false); either way every response kept so far is void. */
  setAvailable(live: boolean): void {
    this.live = live;
    this.clear();
  }

  /** Voids every response kept so far, and every one being computed. */
  clear(): void {
    this.epoch++;
    this.lru.clear();
  }

  snapshot(tags: readonly string[]): Snapshot {
    return { epoch: this.epoch, generations: tags.map((t) => this.generations.get(t) ?? 0) };
  }

  get(key: string): FormattedExecutionResult | undefined {
    if (!this.live) return undefined;
    const entry = this.lru.get(key);
    if (!entry) return undefined;
    if (this.isCurrent(entry.tags, entry.seen)) return entry.result;
    this.lru.delete(key);
    return undefined;
  }

  /** Keeps `result` unless an event for one of its types (or a disconnection) came after `seen`. */
  set(key: string, tags: readonly string[], seen: Snapshot, result: FormattedExecutionResult, bytes: number): boolean {
    if (!this.live || !this.isCurrent(tags, seen)) return false;
    this.lru.set(key, { result, tags, seen }, { size: Math.max(1, bytes + key.length) });
    return true;
  }

  invalidate(types: readonly string[]): void {
    for (const t of types) this.generations.set(t, (this.generations.get(t) ?? 0) + 1);
  }

  get size(): number {
    return this.lru.size;
  }

  private isCurrent(tags: readonly string[], seen: Snapshot): boolean {
    return seen.epoch === this.epoch && tags.every((t, i) => (this.generations.get(t) ?? 0) === seen.generations[i]);
  }
}
