import { BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failed fetches (transport errors, timeouts, 5xx) that open the breaker; 0: no breaker. */
  failures: number;
  /** How long it stays open before a probe may close it. */
  openMs: number;
  /** One request that proves the subgraph answers again (resolves) or not (rejects); `signal` aborts it. */
  probe: (signal: AbortSignal) => Promise<unknown>;
}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

const noop = () => undefined;

/**
 * One subgraph's circuit breaker (cockatiel's, counting consecutive failures). While it is not
 * closed, no client request reaches the subgraph: `closed` is checked first and the fetch fails at
 * once. The half-open probe is never a client's request (a frozen subgraph would hold that client
 * for the whole timeout): `openMs` after opening, the breaker sends its own `probe` through
 * cockatiel's half-open slot, and closes when it answers, or opens again and waits another `openMs`.
 *
 * The fetches themselves do not run inside cockatiel's `execute` (two async wrappers and an object
 * per call, ~1 µs on the hot path): a success does what `execute` does for it while closed (resets
 * the consecutive count), and a failure goes through `execute` as an already failed call, so the
 * counting, opening and half-opening stay cockatiel's.
 */
export class SubgraphBreaker {
  private readonly policy: CircuitBreakerPolicy | undefined;
  private readonly consecutive: ConsecutiveBreaker | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  // Aborts a probe in flight when the gateway stops: against a frozen subgraph it would hold the
  // connection pool's close for the whole fetch timeout.
  private readonly stopping = new AbortController();

  constructor(private readonly o: BreakerOptions) {
    if (o.failures <= 0) return;
    this.consecutive = new ConsecutiveBreaker(o.failures);
    this.policy = circuitBreaker(handleAll, { halfOpenAfter: o.openMs, breaker: this.consecutive });
    this.policy.onBreak(() => this.probeLater(o.openMs));
  }

  /** The hot path's check: one property read. */
  get closed(): boolean {
    return this.policy === undefined || this.policy.state === CircuitState.Closed;
  }

  get state(): BreakerState {
    return this.policy ? STATES[this.policy.state] : 'closed';
  }

  /** Observes state changes (metrics). */
  onStateChange(listener: (state: BreakerState) => void): void {
    this.policy?.onStateChange((s) => listener(STATES[s]));
  }

  /** A fetch made while closed answered. */
  succeeded(): void {
    this.consecutive?.success();
  }

  /** A fetch made while closed failed: counted, and the breaker opens at the threshold. */
  failed(err: unknown): void {
    if (this.policy?.state === CircuitState.Closed) this.policy.execute(() => Promise.reject(err)).catch(noop);
  }

  /** Stops probing (the gateway is stopping). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopping.abort();
  }

  private probeLater(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    // A few ms past openMs: cockatiel half-opens only once `openMs` has fully elapsed.
    this.timer = setTimeout(() => void this.probeNow(), ms + 5);
    this.timer.unref();
  }

  private async probeNow(): Promise<void> {
    if (this.stopped || !this.policy || this.policy.state !== CircuitState.Open) return;
    try {
      await this.policy.execute(() => this.o.probe(this.stopping.signal));
    } catch (err) {
      // Refused without running (not quite time to half-open): again shortly. A probe that ran and
      // failed reopened the breaker, whose onBreak already scheduled the next one.
      if (err instanceof BrokenCircuitError) this.probeLater(50);
    }
  }
}
