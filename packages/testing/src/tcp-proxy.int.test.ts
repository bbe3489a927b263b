import net from 'node:net';
import { freePort } from './ports';
import { TcpProxy } from './tcp-proxy';
import { Upstreams, type Target } from './upstreams';

/**
 * The proxy as a balancer over real sockets: servers that answer each connection with their name,
 * one of them refusing (closed port) or frozen (accepts, never answers, fails its probe).
 */
const servers: net.Server[] = [];
async function namedServer(name: string, answers = true): Promise<Target> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    if (answers) socket.on('data', () => socket.end(name));
    else socket.resume(); // reads and drops: sees the client leave, so the server can close
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port };
}

function ask(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write('who?'));
    let answer = '';
    socket.on('data', (c) => (answer += c));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(2_000, () => socket.destroy());
  });
}

const proxies: TcpProxy[] = [];
async function balancer(upstreams: Upstreams) {
  const proxy = new TcpProxy(upstreams);
  proxies.push(proxy);
  await proxy.start();
  return proxy;
}

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.stop()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('TcpProxy over several upstreams', () => {
  it('takes them in turn, one connection each', async () => {
    const proxy = await balancer(new Upstreams([await namedServer('a'), await namedServer('b')]));
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await ask(proxy.port));
    expect(answers.sort()).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
  });

  it('skips a server that refuses the connection, without the client noticing', async () => {
    const closed: Target = { host: '127.0.0.1', port: await freePort() };
    const proxy = await balancer(new Upstreams([closed, await namedServer('b')]));
    for (let i = 0; i < 4; i++) expect(await ask(proxy.port)).toBe('b');
  });

  it('sends nothing to a server failing its probe (a frozen one still accepts), and to all when all fail', async () => {
    const frozen = await namedServer('frozen', false);
    const live = await namedServer('live');
    let liveOk = true;
    const upstreams = new Upstreams([frozen, live], { healthy: async (t) => t.port === live.port && liveOk, everyMs: 20 });
    const proxy = await balancer(upstreams);
    await new Promise((r) => setTimeout(r, 100));
    expect(upstreams.unhealthy).toEqual([frozen]);
    for (let i = 0; i < 4; i++) expect(await ask(proxy.port)).toBe('live');
    liveOk = false;
    await new Promise((r) => setTimeout(r, 100));
    const answers = [await ask(proxy.port), await ask(proxy.port)];
    expect(answers.sort()).toEqual(['', 'live']); // the frozen one got its turn: no answer within 2 s
  });

  it('keeps its fault modes: reset refuses every connection, pass lets them through again', async () => {
    const proxy = await balancer(new Upstreams([await namedServer('a'), await namedServer('b')]));
    proxy.reset();
    expect(await ask(proxy.port).catch(() => 'refused')).toMatch(/^(refused|)$/);
    proxy.pass();
    expect(['a', 'b']).toContain(await ask(proxy.port));
  });
});
