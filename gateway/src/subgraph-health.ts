import type { ReadinessCheck } from '@cinema/serving';

export interface SubgraphHealthOptions {
  /** Per subgraph poll; a subgraph that does not answer within it counts as down. */
  timeoutMs?: number;
  /** A result is reused this long, so a storm of probes on the gateway is one poll per subgraph. */
  cacheMs?: number;
}

/** Where a subgraph answers readiness: its /graphql URL with /health/ready instead. */
export const healthUrlOf = (graphqlUrl: string) => `${graphqlUrl.replace(/\/graphql\/?$/, '').replace(/\/$/, '')}/health/ready`;

/**
 * The gateway is ready only when every subgraph is: a gateway that routes to a dead subgraph would
 * fail every query that touches it. Subgraphs register as the gateway builds their data sources;
 * all are polled together and the result is cached briefly.
 */
export class SubgraphHealth {
  private readonly urls = new Map<string, string>();
  private cached: { at: number; states: Promise<Map<string, boolean>> } | undefined;

  constructor(private readonly o: SubgraphHealthOptions = {}) {}

  register(name: string, graphqlUrl: string): void {
    this.urls.set(name, healthUrlOf(graphqlUrl));
  }

  /** One readiness check per registered subgraph, named `subgraph:<name>`. */
  checks(): Record<string, ReadinessCheck> {
    return Object.fromEntries([...this.urls.keys()].map((name) => [`subgraph:${name}`, async () => (await this.poll()).get(name) === true]));
  }

  private poll(): Promise<Map<string, boolean>> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > (this.o.cacheMs ?? 1_500)) this.cached = { at: now, states: this.pollAll() };
    return this.cached.states;
  }

  private async pollAll(): Promise<Map<string, boolean>> {
    // Under the readiness probe's own 1 s bound, so a slow subgraph reads "down", not "timeout".
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
