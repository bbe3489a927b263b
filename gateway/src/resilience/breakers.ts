import type { Fetcher } from '@apollo/utils.fetcher';
import { Counter, Gauge } from 'prom-client';
import type { ServiceMetrics } from '@cinema/telemetry';
import { SubgraphBreaker, type BreakerState } from './breaker';
import { guardFetcher } from './guard';

export interface ResilienceOptions {
  /** Consecutive failures that open a subgraph's breaker; 0 turns breakers off. */
  breakerFailures: number;
  /** Time open before a probe may close it. */
  breakerOpenMs: number;
  /** Retries of a read after a connection reset. */
  readRetries: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = { breakerFailures: 5, breakerOpenMs: 1_000, readRetries: 1 };

const PROBE_BODY = JSON.stringify({ query: '{ __typename }' });

/**
 * The gateway's breakers, one per subgraph, created as Apollo builds each data source; their
 * states go to /metrics and to the readiness body (never to readiness itself).
 */
export class SubgraphBreakers {
  private readonly breakers = new Map<string, SubgraphBreaker>();
  private readonly observe: { rejected(s: string): void; retried(s: string): void; opened(s: string): void } | undefined;

  constructor(
    private readonly o: ResilienceOptions = DEFAULT_RESILIENCE,
    metrics?: ServiceMetrics,
  ) {
    if (!metrics) return;
    const registers = [metrics.registry];
    const breakers = this.breakers;
    new Gauge({
      name: 'gateway_subgraph_breaker_state',
      help: "1 for each subgraph's current circuit breaker state (closed, open, half-open), 0 for the others",
      labelNames: ['subgraph', 'state'],
      registers,
      collect() {
        for (const [subgraph, b] of breakers) for (const state of ['closed', 'open', 'half-open']) this.set({ subgraph, state }, b.state === state ? 1 : 0);
      },
    });
    const counter = (name: string, help: string) => new Counter({ name, help, labelNames: ['subgraph'], registers });
    const rejected = counter('gateway_subgraph_breaker_rejected_total', 'Subgraph fetches refused at once because the breaker was open (answered as SUBGRAPH_UNAVAILABLE)');
    const opened = counter('gateway_subgraph_breaker_opened_total', 'Times a subgraph breaker opened');
    const retried = counter('gateway_subgraph_retries_total', 'Subgraph reads sent again after a connection reset');
    this.observe = {
      rejected: (subgraph) => rejected.inc({ subgraph }),
      retried: (subgraph) => retried.inc({ subgraph }),
      opened: (subgraph) => opened.inc({ subgraph }),
    };
  }

  /**
   * `fetcher` behind a new breaker for subgraph `name`; the breaker's probe is `{ __typename }`
   * (any GraphQL server answers it) sent to `url` through the same fetcher, so it is signed and
   * timed like any fetch.
   */
  guard(name: string, url: string, fetcher: Fetcher): Fetcher {
    const probe = async (signal: AbortSignal) => {
      const res = await fetcher(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: PROBE_BODY, signal });
      await res.text();
      if (res.status >= 500) throw new Error(`probe answered HTTP ${res.status}`);
    };
    const breaker = new SubgraphBreaker({ failures: this.o.breakerFailures, openMs: this.o.breakerOpenMs, probe });
    breaker.onStateChange((state) => state === 'open' && this.observe?.opened(name));
    this.breakers.get(name)?.stop();
    this.breakers.set(name, breaker);
    return guardFetcher(fetcher, { name, breaker, readRetries: this.o.readRetries, observe: this.observe });
  }

  /** Each subgraph's breaker state, by name. */
  states(): Record<string, BreakerState> {
    return Object.fromEntries([...this.breakers].map(([name, b]) => [name, b.state]));
  }

  stop(): void {
    for (const b of this.breakers.values()) b.stop();
  }
}
