import net from 'node:net';
import { Upstreams, type Target } from './upstreams';

/** The host and port of a server URL (mongodb://, amqp://, http://), for a proxy's target. */
export function hostPort(url: string, fallbackPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || fallbackPort) };
}

export type ProxyMode = 'pass' | 'delay' | 'blackhole' | 'reset';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (or several, `Upstreams`: then it balances
 * connections over them, as a load balancer in front of a service's instances), to fail that server
 * for one process without stopping it for everyone else:
 * - `pass()`: traffic flows (after a blackhole, the connections that lost bytes are closed first);
 * - `delay(ms)`: every chunk, both ways, arrives `ms` later (order kept);
 * - `blackhole()`: connections stay open but nothing gets through, new ones too (a partition);
 * - `reset()`: every connection is dropped and new ones refused (as if the server died);
 * - `stallOpenConnections()`: the connections open now go silent for good while new ones pass (a NAT
 *   or firewall that forgot them: the classic way a client ends up holding dead sockets).
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private readonly stalled = new WeakSet<net.Socket>();
  private server: net.Server | undefined;
  private mode: ProxyMode = 'pass';
  private delayMs = 0;
  private readonly upstreams: Upstreams;
  port = 0;

  constructor(target: Target | Upstreams) {
    this.upstreams = target instanceof Upstreams ? target : new Upstreams([target]);
  }

  async start(port = 0): Promise<number> {
    this.upstreams.start();
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  private track(s: net.Socket) {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
  }

  private accept(client: net.Socket) {
    if (this.mode === 'reset') return client.destroy();
    this.track(client);
    // A partition: the connection opens, then nothing ever answers.
    if (this.mode === 'blackhole') return;
    this.connect(client, this.upstreams.order());
  }

  /**
   * To the first of `candidates` that accepts the connection. The client's bytes wait in its socket
   * meanwhile (nothing reads it before), so a refused server costs the client nothing but time.
   */
  private connect(client: net.Socket, candidates: Target[]) {
    const [target, ...rest] = candidates;
    if (!target || client.destroyed) return void client.destroy();
    const upstream = net.connect(target);
    this.track(upstream);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      this.forward(client, upstream);
      this.forward(upstream, client);
    });
    upstream.once('close', () => (connected ? client.destroy() : this.connect(client, rest)));
    client.once('close', () => upstream.destroy());
  }

  private forward(from: net.Socket, to: net.Socket) {
    from.on('data', (chunk) => {
      if (this.mode === 'blackhole' || this.mode === 'reset' || this.stalled.has(from)) return;
      // Equal delays fire in order, so the byte stream stays intact.
      if (this.mode === 'delay') setTimeout(() => to.destroyed || to.write(chunk), this.delayMs);
      else to.write(chunk);
    });
  }

  /** `url` (mongodb://, amqp://…) with its host and port replaced by this proxy's. */
  urlThrough(url: string): string {
    const u = new URL(url);
    u.host = `127.0.0.1:${this.port}`;
    return u.toString();
  }

  delay(ms: number): void {
    this.mode = 'delay';
    this.delayMs = ms;
  }

  blackhole(): void {
    this.mode = 'blackhole';
  }

  /** Sockets open through the proxy now, both sides of each connection (a test's way to see a leak). */
  get openConnections(): number {
    return this.sockets.size;
  }

  stallOpenConnections(): void {
    for (const s of this.sockets) this.stalled.add(s);
  }

  reset(): void {
    this.mode = 'reset';
    for (const s of this.sockets) s.destroy();
  }

  pass(): void {
    // Bytes were dropped: those streams are corrupt, so their connections end and clients reconnect.
    if (this.mode === 'blackhole') for (const s of this.sockets) s.destroy();
    this.mode = 'pass';
  }

  async stop(): Promise<void> {
    this.upstreams.stop();
    this.reset();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
