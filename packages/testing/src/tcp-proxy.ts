import net from 'node:net';

export type ProxyMode = 'pass' | 'reset';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, to take that server away from one process
 * without stopping it for everyone else: `reset()` drops every connection and refuses new ones
 * (as if the server died), `pass()` lets traffic through again.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | undefined;
  private mode: ProxyMode = 'pass';
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(port = 0): Promise<number> {
    this.server = net.createServer((client) => {
      if (this.mode !== 'pass') return client.destroy();
      const upstream = net.connect(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.once('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  reset(): void {
    this.mode = 'reset';
    for (const s of this.sockets) s.destroy();
  }

  pass(): void {
    this.mode = 'pass';
  }

  async stop(): Promise<void> {
    this.reset();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
