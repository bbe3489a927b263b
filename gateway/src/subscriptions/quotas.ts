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
