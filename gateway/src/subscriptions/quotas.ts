import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * How many subscriptions one client holds at once, over all its connections and both transports
 * (a client: the token's subject, or the address of an anonymous one). Per connection, graphql-ws's
 * own count is kept by the transport.
 */
export class ClientQuotas {
  private readonly held = new Map<string, number>();

  constructor(private readonly maxPerClient: number) {}

  /** Takes one for `client`; false when it holds its maximum already. */
  take(client: string): boolean {
    const n = this.held.get(client) ?? 0;
    if (n >= this.maxPerClient) return false;
    this.held.set(client, n + 1);
    return true;
  }

  release(client: string) {
    const n = (this.held.get(client) ?? 1) - 1;
    if (n <= 0) this.held.delete(client);
    else this.held.set(client, n);
  }
}

/**
 * How many subscribes one client may make within a window, however quickly each one ends: the held
 * quota above does not bound subscribe/complete churn, and each subscribe costs a check of its
 * document and may bind a routing key on the broker. In memory, per gateway process, like the HTTP
 * rate limit (limits.ts).
 */
export class SubscribeRate {
  private readonly limiter: RateLimiterMemory;

  constructor(readonly points: number, readonly windowMs: number) {
    this.limiter = new RateLimiterMemory({ points, duration: windowMs / 1000 });
  }

  /** Counts one subscribe for `client`: 0 when allowed, else the ms until it may subscribe again. */
  async take(client: string): Promise<number> {
    try {
      await this.limiter.consume(client);
      return 0;
    } catch (r) {
      if (!(r instanceof RateLimiterRes)) throw r;
      return Math.max(1, r.msBeforeNext);
    }
  }
}
