import type { BreakerState } from './resilience/breaker';

export interface SubgraphHealthOptions {
  /** Per subgraph poll; a subgraph that does not answer within it counts as down. */
  timeoutMs?: number;
  /** A result is reused this long, so a storm of probes on the gateway is one poll per subgraph. */
  cacheMs?: number;
}

/** One subgraph as the gateway's readiness body reports it. */
export interface SubgraphReport {
  /** Its circuit breaker: `open` means its fields are answered null with SUBGRAPH_UNAVAILABLE, at once. */
  breaker: BreakerState;
  /** Its own /health/ready: `ok` (200 within the poll's timeout) or `down`. */
  probe: 'ok' | 'down';
}

/** Where a subgraph answers readiness: its /graphql URL with /health/ready instead. */
export const healthUrlOf = (graphqlUrl: string) => `${graphqlUrl.replace(/\/graphql\/?$/, '').replace(/\/$/, '')}/health/ready`;

/**
 * What the gateway knows of each subgraph, for the readiness body. It never makes the gateway
 * unready: a gateway that can serve answers every query, and a sick subgraph costs only its own
 * fields (partial answers), whereas an orchestrator routing by readiness would take EVERY gateway
 * out of service for one subgraph's outage. Subgraphs register as the gateway builds their data
 * sources; all are polled together and the result is cached briefly.
 */
export class SubgraphHealth {
  private readonly urls = new Map<string, string>();
  private cached: { at: number; states: Promise<Map<string, boolean>> } | undefined;

  constructor(private readonly o: SubgraphHealthOptions = {}) {}

  register(name: string, graphqlUrl: string): void {
    this.urls.set(name, healthUrlOf(graphqlUrl));
  }

  /** Every registered subgraph's breaker state (from `breakers`) and its own readiness. */
  async report(breakers: Record<string, BreakerState>): Promise<Record<string, SubgraphReport>> {
    const polled = await this.poll();
    return Object.fromEntries([...this.urls.keys()].map((name) => [name, { breaker: breakers[name] ?? 'closed', probe: polled.get(name) ? 'ok' : 'down' }]));
  }

  private poll(): Promise<Map<string, boolean>> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > (this.o.cacheMs ?? 1_500)) this.cached = { at: now, states: this.pollAll() };
    return this.cached.states;
  }

  private async pollAll(): Promise<Map<string, boolean>> {
    // Under the readiness probe's own 1 s bound, so the body is there before the probe gives up.
    const timeoutMs = this.o.timeoutMs ?? 800;
    const entries = await Promise.all(
      [...this.urls].map(async ([name, url]) => {
        const ok = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).then(
          async (res) => {
            await res.body?.cancel();
            return res.ok;
          },
          () => false,
        );
        return [name, ok] as const;
      }),
    );
    return new Map(entries);
  }
}
