import type { EventType } from '@cinema/events';

/** Binds and unbinds one routing key on the link's queue. */
export interface Binder {
  bind(key: EventType): Promise<void>;
  unbind(key: EventType): Promise<void>;
}

/**
 * Which routing keys the queue is bound to: a key while at least one live subscription needs it
 * (bound on the first, unbound when the last leaves). Changes go to the broker one at a time, in
 * order, so a bind and an unbind of the same key never race. A new link starts with none bound.
 */
export class Bindings {
  private readonly wanted = new Map<EventType, number>();
  private binder: Binder | undefined;
  private bound = new Set<EventType>();
  private ops: Promise<void> = Promise.resolve();

  constructor(private readonly declared: readonly EventType[], private readonly onChange?: (count: number) => void) {}

  /** The link is up with this binder (and an empty queue). */
  attach(binder: Binder) {
    this.binder = binder;
    this.bound = new Set();
    this.onChange?.(0);
  }

  /** The link is gone: nothing is bound any more (the queue went with it). */
  detach() {
    this.binder = undefined;
    this.bound = new Set();
    this.onChange?.(0);
  }

  /** Counts a subscription needing `keys`; resolves once each is bound (rejects if the link is down or a bind fails). */
  acquire(keys: readonly EventType[]): Promise<void> {
    for (const k of keys) this.wanted.set(k, (this.wanted.get(k) ?? 0) + 1);
    return this.sync();
  }

  release(keys: readonly EventType[]) {
    for (const k of keys) {
      const n = (this.wanted.get(k) ?? 1) - 1;
      if (n <= 0) this.wanted.delete(k);
      else this.wanted.set(k, n);
    }
    // A failed unbind only leaves a key bound (events read and discarded): logged by the caller's link.
    this.sync().catch(() => undefined);
  }

  private sync(): Promise<void> {
    const run = this.ops.then(async () => {
      const binder = this.binder;
      if (!binder) {
        if ([...this.wanted.keys()].length > 0) throw new Error('no broker link');
        return;
      }
      for (const k of this.declared) {
        const want = this.wanted.has(k);
        if (want && !this.bound.has(k)) await binder.bind(k), this.bound.add(k);
        else if (!want && this.bound.has(k)) await binder.unbind(k), this.bound.delete(k);
      }
      if (this.binder === binder) this.onChange?.(this.bound.size);
    });
    this.ops = run.catch(() => undefined);
    return run;
  }
}
