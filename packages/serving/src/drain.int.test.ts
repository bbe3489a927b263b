import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Pool } from 'undici';
import { drainOnStop } from './drain';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function listen(handler: http.RequestListener): Promise<{ server: Server; origin: string }> {
  const server = http.createServer({ keepAliveTimeout: 30_000 }, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Answers after a few milliseconds of waiting. */
const slowly: http.RequestListener = (req, res) => {
  req.resume().on('end', () => setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), 5));
};

/**
 * Answers after a millisecond of CPU, as a busy worker does: with thirty clients the event loop is
 * never idle, so a client's next request is often still unread in its socket when the drain begins.
 */
const busily: http.RequestListener = (req, res) => {
  req.resume().on('end', () => {
    for (const until = performance.now() + 1; performance.now() < until; );
    setImmediate(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
};

describe('draining an HTTP server at shutdown (drain.ts)', () => {
  it('under keep-alive load, answers every request a client sent; the only refusals are new connections', async () => {
    const { server, origin } = await listen(busily);
    const { drain } = drainOnStop(server, { graceMs: 5_000, lingerMs: 500 });
    const pool = new Pool(origin, { connections: 30, keepAliveTimeout: 30_000 });
    const outcomes = new Map<string, number>();
    const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    let stopAt = Infinity;
    let closeAnswers = 0;
    const client = async () => {
      while (Date.now() < stopAt + 300) {
        try {
          const res = await pool.request({ path: '/', method: 'POST', body: 'x' });
          const text = await res.body.text();
          count(res.statusCode === 200 && text === 'ok' ? 'answered' : `status ${res.statusCode}`);
          if (res.headers.connection === 'close') closeAnswers++;
        } catch (err) {
          count((err as { code?: string }).code ?? String(err));
          await sleep(10);
        }
      }
    };
    const clients = Array.from({ length: 30 }, client);
    await sleep(400);
    stopAt = Date.now();
    const drained = drain();
    await Promise.all(clients);
    await drained;
    await pool.close();
    // Before: Node's own close (and Apollo's drain plugin) cut requests already sent on idle
    // connections: UND_ERR_SOCKET / ECONNRESET here.
    expect([...outcomes.keys()].sort()).toEqual(['ECONNREFUSED', 'answered']);
    expect(outcomes.get('answered')).toBeGreaterThan(100);
    // The answers in flight at the drain told their clients not to come back on that connection.
    expect(closeAnswers).toBeGreaterThan(0);
  }, 20_000);

  it('keeps an idle connection for a request already on its way, answers it with Connection: close, then returns', async () => {
    const { server, origin } = await listen(slowly);
    const { drain, draining } = drainOnStop(server, { graceMs: 5_000, lingerMs: 1_000 });
    const client = new Client(origin, { keepAliveTimeout: 30_000 });
    try {
      expect((await client.request({ path: '/', method: 'GET' })).statusCode).toBe(200); // now idle, kept alive
      const started = Date.now();
      const drained = drain();
      expect(draining()).toBe(true);
      await sleep(200);
      const late = await client.request({ path: '/', method: 'GET' });
      expect(late.statusCode).toBe(200);
      expect(await late.body.text()).toBe('ok');
      expect(late.headers.connection).toBe('close');
      await drained; // the connection closed after that answer: no need to wait out the linger
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await client.close();
    }
  });

  it('closes an idle connection after the linger, and one stuck mid-request after the grace', async () => {
    const stuck = await listen((req) => req.resume()); // never answers
    const { drain } = drainOnStop(stuck.server, { graceMs: 600, lingerMs: 100 });
    const client = new Client(stuck.origin);
    const pending = client.request({ path: '/', method: 'GET' }).then(
      () => 'answered',
      (err: { code?: string }) => err.code,
    );
    await sleep(100);
    const started = Date.now();
    await drain();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(2_000);
    expect(await pending).toBe('UND_ERR_SOCKET');
    await client.close();

    const idle = await listen(slowly);
    const d = drainOnStop(idle.server, { graceMs: 5_000, lingerMs: 300 });
    const c = new Client(idle.origin, { keepAliveTimeout: 30_000 });
    expect((await c.request({ path: '/', method: 'GET' })).statusCode).toBe(200);
    const t0 = Date.now();
    await d.drain();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(Date.now() - t0).toBeLessThan(2_000);
    await c.close();
  });
});
