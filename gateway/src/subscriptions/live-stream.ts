import type { ExecutionResult } from 'graphql';

/**
 * The async iterator a transport (graphql-ws, graphql-sse) reads one subscription's payloads from.
 * Both await each send before reading the next, so a client that does not read leaves payloads
 * here: at most `maxQueued`, then `onOverflow` (the transport closes that client) and the stream
 * ends. Memory per subscriber stays bounded by that count times the payload size bound.
 */
export class LiveStream implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: ExecutionResult[] = [];
  private waiting: ((r: IteratorResult<ExecutionResult>) => void) | undefined;
  private done = false;
  private readonly onEnd = new Set<() => void>();

  constructor(private readonly maxQueued: number, private readonly onOverflow: () => void) {}

  get closed() {
    return this.done;
  }

  /** Queues a payload; false (and the stream ends) when the client is too far behind. */
  push(result: ExecutionResult): boolean {
    if (this.done) return false;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: result, done: false });
      return true;
    }
    if (this.queue.length >= this.maxQueued) return this.cut();
    this.queue.push(result);
    return true;
  }

  /** Ends at once, nothing more sent: the client is too far behind. */
  cut(): false {
    if (!this.done) {
      this.queue.length = 0;
      this.finish();
      this.onOverflow();
    }
    return false;
  }

  /** Sends `result` after whatever is queued, then ends (the source is gone). */
  last(result: ExecutionResult) {
    if (this.done) return;
    this.push(result);
    this.end();
  }

  /** Runs once when the stream ends, whoever ends it (the client, the gateway, an overflow). */
  whenEnded(fn: () => void) {
    if (this.done) fn();
    else this.onEnd.add(fn);
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    const value = this.queue.shift();
    if (value) return { value, done: false };
    if (this.done) return { value: undefined, done: true };
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.queue.length = 0;
    this.finish();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  private end() {
    // Ends once the queue is read: next() answers done after the last payload.
    if (this.queue.length === 0) return this.finish();
    this.done = true;
    this.runEnd();
  }

  private finish() {
    this.done = true;
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ value: undefined, done: true });
    this.runEnd();
  }

  private runEnd() {
    const fns = [...this.onEnd];
    this.onEnd.clear();
    for (const fn of fns) fn();
  }
}
