/**
 * Starts the servers under test as child processes, pinned to a core with taskset when the
 * machine has it (the load generator runs on the other core), and samples their RSS and CPU from
 * /proc while load runs (the load generator's own process is never counted).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');
const HAS_TASKSET = spawnSync('bash', ['-c', 'command -v taskset'], { encoding: 'utf8' }).status === 0;
export const pinning = HAS_TASKSET ? 'taskset' : 'none';

export interface Server {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `node --import tsx <entry>` (plus extra node flags), optionally pinned to `cpus` ("1", "0-1"). */
export function startNode(name: string, entry: string, env: NodeJS.ProcessEnv, opts: { cpus?: string; nodeArgs?: string[] } = {}): Server {
  const args = [...(opts.nodeArgs ?? []), '--import', 'tsx', join(ROOT, entry)];
  const [cmd, argv] = HAS_TASKSET && opts.cpus ? ['taskset', ['-c', opts.cpus, process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(cmd, argv as string[], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (c: Buffer) => (tail = (tail + c.toString()).slice(-2_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.once('exit', (code, sig) => {
    if (code && code !== 0) process.stderr.write(`! ${name} exited ${code ?? sig}: ${tail}\n`);
  });
  return {
    name,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => (clearTimeout(force), resolve()));
        child.kill('SIGTERM');
      }),
  };
}

/** Waits (bounded) until `url` answers a trivial GraphQL POST with 200. */
export async function waitReady(url: string, timeoutMs = 60_000, server?: Server): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (server && server.child.exitCode !== null) throw new Error(`${server.name} exited during start-up`);
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}', signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

/**
 * Puts every thread of a process tree on `cores` ("0", "0-1"): `taskset -a`, as a process's helper
 * threads (V8's GC and compiler, libuv's pool, the Go runtime's) would otherwise stay where they were.
 */
export function pin(pid: number, cores: string): void {
  if (!HAS_TASKSET) return;
  for (const p of tree(pid)) spawnSync('taskset', ['-a', '-p', '-c', cores, String(p)], { stdio: 'ignore' });
}

/**
 * Lets a process tree use every core again. The bench pins itself to core 0 (run.ts), and whatever it
 * starts inherits that: the event path's "every process free to use both cores" needs this, not
 * merely no pinning of its own (measured: the stack on core 0 alone reached 94 of 200 sign-ups/s).
 */
export const unpin = (pid: number): void => pin(pid, `0-${cpus().length - 1}`);

/** Every pid in the tree below `pid` (taskset execs node in place; cluster workers are children). */
function tree(pid: number): number[] {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return [pid, ...out.split('\n').filter(Boolean).flatMap((p) => tree(Number(p)))];
}

const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100/s)
};
const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

/** Samples a server's process tree every 100 ms; `done()` gives peak RSS (MB) and CPU (% of one core). */
export function sampleResources(pid: number) {
  const pids = tree(pid);
  const sum = (f: (p: number) => number) => pids.reduce((s, p) => { try { return s + f(p); } catch { return s; } }, 0);
  const t0 = Date.now(), c0 = sum(ticks);
  let peak = 0;
  // Each process's own peak too (cluster workers: the RSS of each).
  const each = new Map<number, number>();
  const sample = () => {
    peak = Math.max(peak, sum(rssKb));
    for (const p of pids) try { each.set(p, Math.max(each.get(p) ?? 0, rssKb(p))); } catch {}
  };
  sample();
  const timer = setInterval(sample, 100);
  return () => {
    clearInterval(timer);
    sample();
    return {
      peakRssMb: Math.round(peak / 1024),
      cpuPct: Math.round(((sum(ticks) - c0) / 100 / ((Date.now() - t0) / 1000)) * 100),
      peakRssEachMb: [...each.values()].filter((kb) => kb > 0).map((kb) => Math.round(kb / 1024)),
    };
  };
}
