/**
 * Admission control for a worker that has run out of CPU. Past that point, starting another request
 * buys nothing: it waits for the same core, and meanwhile holds its subgraph answers and half-built
 * response in the heap. With 50 deep queries at once, every request's data outlived several young
 * generation collections, so V8 copied and promoted it: scavenges averaged 18 ms and the garbage
 * collector was over a third of the gateway's time.
 *
 * So while the event loop is busy (utilization ≥ `busyAbove` over the last `sampleMs`), only a
 * window of requests runs and the rest wait in arrival order. The window adapts: a fixed one
 * either starves the core (requests also wait on subgraphs: at 16, a small lookup left a fifth of
 * the core idle) or admits everything. When a sample finds the loop NOT busy although requests had
 * to wait, the window was too small and doubles; each busy sample narrows it by a quarter, down to
 * `limit`. Narrowing by one per sample let a few idle samples (a subgraph slow for a moment) hold
 * the window at 20–75 for seconds on end, so a busy worker ran nearly as if uncapped: on distinct
 * deep queries, narrowing by a quarter to a floor of 4 served ~14% more than by one to a floor of
 * 8 (median of three rounds, docs/decisions.md).
 * While the loop is not busy everyone is let in at once, so a worker that waits on slow subgraphs
 * is never capped. Beyond `maxQueued` waiting, a request is refused at once (503, Retry-After)
 * instead of queueing without bound. A client that leaves while waiting loses its place.
 */
import type { ServerResponse } from 'node:http';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface AdmissionOptions {
  /** The narrowest window of requests running at once while the loop is busy; 0 turns admission control off. */
  limit: number;
  /** The widest the window grows (default 4 096). */
  maxLimit?: number;
  /** Requests waiting at most; one more is refused. */
  maxQueued: number;
  /** Event-loop utilization (0–1) from which the worker counts as busy. */
  busyAbove?: number;
  sampleMs?: number;
}

interface Waiter {
  res: ServerResponse;
  admit: (admitted: boolean) => void;
  left: () => void;
}

export class Admission {
  /** Since start: requests that had to wait, and requests refused because the queue was full. */
  readonly totals = { queued: 0, refused: 0 };
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private busy = false;
  private window: number;
  /** Whether a request had to wait since the last sample. */
  private queued = false;
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly timer?: NodeJS.Timeout;

  constructor(private readonly o: AdmissionOptions) {
    this.window = o.limit;
    if (o.limit > 0) this.timer = setInterval(() => this.sample(), o.sampleMs ?? 100).unref();
  }

  /** `true`: run now; `'full'`: refuse; a promise: queued, `true` once admitted, `false` if the client left. */
  enter(res: ServerResponse): true | 'full' | Promise<boolean> {
    if (this.o.limit <= 0) return true;
    if (this.running < this.window || (!this.busy && this.waiting.length === 0)) {
      this.running++;
      return true;
    }
    if (this.waiting.length >= this.o.maxQueued) {
      this.totals.refused++;
      return 'full';
    }
    this.queued = true;
    this.totals.queued++;
    return new Promise<boolean>((admit) => {
      const w: Waiter = { res, admit, left: () => this.remove(w) };
      res.once('close', w.left);
      this.waiting.push(w);
    });
  }

  /** Called once per request that `enter` let run, when it has answered. */
  leave(): void {
    if (this.o.limit <= 0) return;
    this.running--;
    if (this.running < this.window || !this.busy) this.admitNext();
  }

  /** How many run and how many wait (for metrics and tests). */
  get state() {
    return { running: this.running, waiting: this.waiting.length, busy: this.busy, window: this.window };
  }

  close(): void {
    clearInterval(this.timer);
    while (this.waiting.length) this.admitNext();
  }

  private sample(): void {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, this.last);
    this.last = now;
    this.observe(utilization);
  }

  /** One sample of the event loop's utilization (0–1): the timer's, or a test's. */
  observe(utilization: number): void {
    this.busy = utilization >= (this.o.busyAbove ?? 0.9);
    if (this.busy) this.window = Math.max(this.o.limit, Math.floor(this.window * 0.75));
    else if (this.queued) this.window = Math.min(this.o.maxLimit ?? 4_096, this.window * 2);
    this.queued = false;
    if (!this.busy) while (this.waiting.length) this.admitNext();
  }

  private admitNext(): void {
    const w = this.waiting.shift();
    if (!w) return;
    w.res.off('close', w.left);
    this.running++;
    w.admit(true);
  }

  private remove(w: Waiter): void {
    const i = this.waiting.indexOf(w);
    if (i < 0) return;
    this.waiting.splice(i, 1);
    w.admit(false);
  }
}
