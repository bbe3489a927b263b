import { BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failed fetches (transport errors, timeouts, 5xx) that open the breaker; 0: no breaker. */
  failures: number;
  /** How long it stays open before a probe may close it. */
  openMs: number;
  /** One request that proves the subgraph answers again (resolves) or not (rejects). */
  probe: () => Promise<unknown>;
}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/**
 * One subgraph's circuit breaker (cockatiel's, counting consecutive failures). While it is not
 * closed, no client request reaches the subgraph: `closed` is checked first and the fetch fails at
 * once. The half-open probe is never a client's request (a frozen subgraph would hold that client
 * for the whole timeout): `openMs` after opening, the breaker sends its own `probe` through
 * cockatiel's half-open slot, and closes when it answers, or opens again and waits another `openMs`.
 */
export class SubgraphBreaker {
  private readonly policy: CircuitBreakerPolicy | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly o: BreakerOptions) {
    if (o.failures <= 0) return;
    this.policy = circuitBreaker(handleAll, { halfOpenAfter: o.openMs, breaker: new ConsecutiveBreaker(o.failures) });
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

  /** Runs a fetch while closed, counting its outcome; callers check `closed` first. */
  execute<T>(fetch: () => Promise<T>): Promise<T> {
    return this.policy ? this.policy.execute(fetch) : fetch();
  }

  /** Stops probing (the gateway is stopping). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
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
      await this.policy.execute(this.o.probe);
    } catch (err) {
      // Refused without running (not quite time to half-open): again shortly. A probe that ran and
      // failed reopened the breaker, whose onBreak already scheduled the next one.
      if (err instanceof BrokenCircuitError) this.probeLater(50);
    }
  }
}
