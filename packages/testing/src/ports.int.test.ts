import net from 'node:net';
import { freePort } from './ports';

const listen = (port: number) =>
  new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range, each one bindable by whoever asked', async () => {
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) expect(port).toBeGreaterThanOrEqual(20_000), expect(port).toBeLessThan(32_768);
    // Nothing the kernel does between asking and binding takes them: all bind at once.
    const servers = await Promise.all(ports.map(listen));
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('never hands out a port something listens on', async () => {
    // Occupy a whole stretch of this process's block; every port handed out meanwhile is free.
    const first = await freePort();
    const held = await Promise.all(Array.from({ length: 20 }, (_, i) => listen(first + 1 + i).catch(() => undefined)));
    const taken = new Set(held.flatMap((s, i) => (s ? [first + 1 + i] : [])));
    const got = await Promise.all(Array.from({ length: 30 }, () => freePort()));
    for (const port of got) expect(taken.has(port)).toBe(false);
    await Promise.all(held.map((s) => s && new Promise((r) => s.close(r))));
  });
});
