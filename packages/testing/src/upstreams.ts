/** Where a TcpProxy sends a connection: a host and port. */
export interface Target {
  host: string;
  port: number;
}

export interface Probe {
  /** Whether a server should get new connections (e.g. its HTTP readiness answers 200 in time). */
  healthy(target: Target): Promise<boolean>;
  /** How often every server is probed (default 500 ms). */
  everyMs?: number;
}

/**
 * The servers behind a TcpProxy, taken in turn for each new connection (round robin, as a TCP load
 * balancer or a Kubernetes Service spreads connections over its pods). A server that refuses a
 * connection is skipped for that connection (TcpProxy tries the next). With a probe, a server that
 * fails it gets no new connections until it passes again: a frozen process still completes TCP
 * handshakes (the kernel does), so only a probe tells it apart. When every server fails its probe,
 * all are tried anyway, in turn: refusing everything would be worse than trying.
 */
export class Upstreams {
  private turn = 0;
  private readonly down = new Set<Target>();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly targets: Target[], private readonly probe?: Probe) {
    if (targets.length === 0) throw new Error('Upstreams needs at least one target');
  }

  /** The servers in the order a new connection tries them: the next healthy one first. */
  order(): Target[] {
    const start = this.turn++ % this.targets.length;
    const rotated = [...this.targets.slice(start), ...this.targets.slice(0, start)];
    return [...rotated.filter((t) => !this.down.has(t)), ...rotated.filter((t) => this.down.has(t))];
  }

  /** Servers currently failing their probe. */
  get unhealthy(): Target[] {
    return [...this.down];
  }

  start(): void {
    if (!this.probe || this.timer) return;
    const round = async () => {
      await Promise.all(
        this.targets.map(async (t) => {
          const ok = await this.probe!.healthy(t).catch(() => false);
          if (ok) this.down.delete(t);
          else this.down.add(t);
        }),
      );
      if (this.timer) this.timer = setTimeout(round, this.probe!.everyMs ?? 500).unref();
    };
    this.timer = setTimeout(round, 0).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
