import { spawn, spawnSync, type StdioOptions } from 'node:child_process';
import { join } from 'node:path';
import { Pool } from 'undici';
import { freePort, gql, TEST_JWT_SECRET, TEST_SIGNING_SECRET } from '@cinema/testing';
import { startToyGraph } from '@cinema/testing/toy-graph';

const secrets = { GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET, JWT_SECRET: TEST_JWT_SECRET };

/** The gateway (index.ts, or cluster.ts's workers) as a process of its own, with the test secrets and `env`. */
const spawnGateway = (file: 'index.ts' | 'cluster.ts', env: NodeJS.ProcessEnv, stdio: StdioOptions = 'ignore') =>
  spawn(process.execPath, ['--import', 'tsx', join(__dirname, file)], { env: { ...process.env, ...secrets, ...env }, stdio });

/** Serving the toy graph on `port`. */
const onToy = (port: number, toy: { supergraphPath: string }) => ({ PORT: String(port), SUPERGRAPH_PATH: toy.supergraphPath, LOG_LEVEL: 'warn' });

describe('gateway process', () => {
  it('serves another supergraph on another port when configured to', async () => {
    const toy = await startToyGraph();
    const port = await freePort();
    const child = spawnGateway('index.ts', onToy(port, toy));
    try {
      // Wait for the process, then for the graph: under a loaded CI the gateway's readiness probe of
      // the toy subgraph (1 s budget, answered by this busy jest worker) can say "down" for a while.
      const url = `http://127.0.0.1:${port}/graphql`;
      const deadline = Date.now() + 50_000;
      let res: Awaited<ReturnType<typeof gql>> | undefined;
      while (Date.now() < deadline) {
        res = await gql(url, '{ hello(name: "any graph") }').catch(() => undefined);
        if (res?.data) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(res?.data).toEqual({ hello: 'hello, any graph' });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await toy.subgraph.stop();
    }
  }, 60_000);

  it('runs as workers sharing one port (cluster.ts), replaces a crashed worker, and stops on SIGTERM', async () => {
    const toy = await startToyGraph();
    const port = await freePort();
    const child = spawnGateway('cluster.ts', { ...onToy(port, toy), GATEWAY_WORKERS: '2' });
    const url = `http://127.0.0.1:${port}/graphql`;
    const answers = async () => (await gql(url, '{ hello(name: "workers") }').catch(() => undefined))?.data;
    const until = async (ok: () => Promise<boolean>) => {
      for (const deadline = Date.now() + 50_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) if (await ok()) return true;
      return false;
    };
    // Only the primary's index.ts children: with a cold tsx cache the primary also keeps an esbuild
    // service process, which a bare `pgrep -P` would count as a third worker.
    const workerPids = () =>
      spawnSync('pgrep', ['-P', String(child.pid), '-f', 'gateway/src/index\\.ts'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
    try {
      expect(await until(async () => (await answers()) !== undefined && workerPids().length === 2)).toBe(true);
      expect(await answers()).toEqual({ hello: 'hello, workers' });
      const [first] = workerPids();
      process.kill(first!, 'SIGKILL');
      expect(await until(async () => workerPids().length === 2 && !workerPids().includes(first!))).toBe(true);
      expect(await answers()).toEqual({ hello: 'hello, workers' });
    } finally {
      child.kill('SIGTERM');
      const code = await new Promise((r) => child.once('exit', r));
      expect(code).toBe(0);
      await toy.subgraph.stop();
    }
  }, 90_000);

  it('on SIGTERM under keep-alive load, answers every request already sent and exits 0 (drain.ts)', async () => {
    const toy = await startToyGraph();
    const port = await freePort();
    const child = spawnGateway('index.ts', { ...onToy(port, toy), RATE_LIMIT: '0' });
    const exited = new Promise((r) => child.once('exit', r));
    const origin = `http://127.0.0.1:${port}`;
    const pool = new Pool(origin, { connections: 20, keepAliveTimeout: 30_000 });
    const outcomes = new Map<string, number>();
    const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    try {
      const body = JSON.stringify({ query: '{ hello(name: "drain") }' });
      const ask = async () => {
        const res = await pool.request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const answer = (await res.body.json()) as { data?: unknown };
        return res.statusCode === 200 && JSON.stringify(answer.data) === '{"hello":"hello, drain"}' ? 'answered' : `status ${res.statusCode}`;
      };
      for (const deadline = Date.now() + 50_000; (await ask().catch(() => 'down')) !== 'answered'; await new Promise((r) => setTimeout(r, 250))) {
        if (Date.now() > deadline) throw new Error('the gateway did not answer within 50 s');
      }
      let gone = false;
      void exited.then(() => (gone = true));
      // Twenty keep-alive clients, each sending its next request the moment an answer arrives.
      const clients = Array.from({ length: 20 }, async () => {
        while (!gone) {
          await ask().then(count, (err: { code?: string }) => (count(err.code ?? String(err)), new Promise((r) => setTimeout(r, 20))));
        }
      });
      await new Promise((r) => setTimeout(r, 1_500));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await Promise.all(clients);
      // Before drain.ts, requests sent on a connection the drain closed failed with UND_ERR_SOCKET / ECONNRESET.
      expect([...outcomes.keys()].sort()).toEqual(['ECONNREFUSED', 'answered']);
    } finally {
      child.kill('SIGKILL');
      await pool.close();
      await toy.subgraph.stop();
    }
  }, 90_000);

  it('refuses to start with a clear message when the supergraph file is missing', async () => {
    const child = spawnGateway('index.ts', { PORT: String(await freePort()), SUPERGRAPH_PATH: '/nonexistent/supergraph.graphql' }, ['ignore', 'ignore', 'pipe']);
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot read the supergraph at SUPERGRAPH_PATH=\/nonexistent/);
  });
});
