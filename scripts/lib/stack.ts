/**
 * Runs the whole stack as real processes: three subgraphs and the gateway, each a `tsx` child with
 * its own environment (or, `compiled`, plain `node` on what `npm run build` wrote, as the image runs
 * it). Used by `npm start` and by the end-to-end tests (on other ports and databases).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { GATEWAY_NODE_OPTIONS } from '../../gateway/src/heap';
import { loginUrl, type BrokerAccess } from './broker-users';
import { ROOT, waitFor } from './infra';

export const SUBGRAPHS = ['users', 'movies', 'catalog'] as const;
export type ServiceName = (typeof SUBGRAPHS)[number] | 'gateway';

export interface StackOptions {
  mongoUrl: string;
  /** The broker and its users: each service logs in as its own (broker-users.ts). */
  broker: BrokerAccess;
  ports: Record<ServiceName, number>;
  /** Database name per subgraph (default: the subgraph's name). */
  databases?: Partial<Record<(typeof SUBGRAPHS)[number], string>>;
  env?: NodeJS.ProcessEnv;
  /** Extra environment for one service (its own secrets; its AMQP_URL through a fault-injecting proxy). */
  serviceEnv?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
  /** Where each service's stdout/stderr goes (default: discarded). */
  output?: (service: ServiceName) => Writable | undefined;
  /** Called if a service exits while the stack is meant to be up. */
  onExit?: (service: ServiceName, code: number | null) => void;
  /** Run each service's compiled dist/index.js (`npm run build` first) instead of its TypeScript. */
  compiled?: boolean;
}

export interface Stack {
  gatewayUrl: string;
  urls: Record<ServiceName, string>;
  processes: Map<ServiceName, ChildProcess>;
  /** Kills one service (SIGKILL by default: no chance to ack or flush) and waits for it to exit. */
  kill(service: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a killed service again with the same environment and waits until it is ready. */
  restart(service: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

export const workspaceOf = (s: ServiceName) => (s === 'gateway' ? 'gateway' : join('subgraphs', s));
/** The node arguments that start a service: its TypeScript through tsx, or as the Dockerfile runs it. */
export const serviceArgs = (s: ServiceName, compiled = false) =>
  compiled ? ['--conditions=production', join(ROOT, workspaceOf(s), 'dist', 'index.js')] : ['--import', 'tsx', join(ROOT, workspaceOf(s), 'src', 'index.ts')];

/**
 * Ready, and its dependencies up too: a subgraph serves before its broker link is (readiness does
 * not wait for it), but a stack handed to a test or a user must have declared its queues, or the
 * first events would find no queue bound for them.
 */
async function healthy(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(1_000) });
  if (!res.ok) return false;
  const body = (await res.json()) as { dependencies?: Record<string, string> };
  return Object.values(body.dependencies ?? {}).every((state) => state === 'ok');
}

function launch(service: ServiceName, env: NodeJS.ProcessEnv, { output, compiled }: StackOptions, onExit: (code: number | null) => void) {
  // One process per service (node + the tsx loader), so a signal reaches the service itself. The
  // IPC channel closes when this process dies, however it dies: the service then shuts down too.
  // The gateway's heap limit first, so a limit in the caller's own NODE_OPTIONS still wins.
  if (service === 'gateway') env = { ...env, NODE_OPTIONS: [GATEWAY_NODE_OPTIONS, env.NODE_OPTIONS].filter(Boolean).join(' ') };
  const child = spawn(process.execPath, serviceArgs(service, compiled), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const sink = output?.(service);
  if (sink) {
    child.stdout!.pipe(sink, { end: false });
    child.stderr!.pipe(sink, { end: false });
  } else {
    child.stdout!.resume();
    child.stderr!.resume();
  }
  child.once('exit', onExit);
  return child;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { ports } = options;
  const processes = new Map<ServiceName, ChildProcess>();
  let stopping = false;
  const base = { ...process.env, ...options.env, HOST: '127.0.0.1', AMQP_USER_PREFIX: options.broker.prefix };
  const amqp = (s: ServiceName) => ({ AMQP_URL: loginUrl(options.broker, s) });
  const urls = Object.fromEntries(
    (Object.keys(ports) as ServiceName[]).map((s) => [s, `http://127.0.0.1:${ports[s]}/graphql`]),
  ) as Record<ServiceName, string>;

  const envs = new Map<ServiceName, NodeJS.ProcessEnv>();
  const killed = new Set<ServiceName>();
  const exited = (child: ChildProcess, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill(signal);
    });
  // A service that exits while the stack starts fails the start at once, with its name; later,
  // an exit nobody asked for is reported to onExit.
  let starting = true;
  let startupFailure: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (startupFailure = reject));
  failed.catch(() => undefined);
  const start = (service: ServiceName, env: NodeJS.ProcessEnv) => {
    envs.set(service, env);
    const onExit = (code: number | null) => {
      if (stopping || killed.has(service)) return;
      if (starting) startupFailure(new Error(`${service} exited during start-up (code ${code})`));
      else options.onExit?.(service, code);
    };
    processes.set(service, launch(service, env, options, onExit));
  };
  const ready = (s: ServiceName) => Promise.race([waitFor(`${s} on port ${ports[s]}`, () => healthy(ports[s]), 60_000), failed]);
  const stop = async () => {
    stopping = true;
    await Promise.all([...processes.values()].map((child) => exited(child, 'SIGTERM')));
  };
  const kill = async (service: ServiceName, signal: NodeJS.Signals = 'SIGKILL') => {
    killed.add(service);
    await exited(processes.get(service)!, signal);
  };
  const restart = async (service: ServiceName) => {
    start(service, envs.get(service)!);
    killed.delete(service);
    await waitFor(`${service} on port ${ports[service]}`, () => healthy(ports[service]), 60_000);
  };

  try {
    for (const s of SUBGRAPHS) {
      start(s, { ...base, ...amqp(s), PORT: String(ports[s]), MONGO_URL: options.mongoUrl, MONGO_DB: options.databases?.[s] ?? s, ...options.serviceEnv?.[s] });
    }
    await Promise.all(SUBGRAPHS.map(ready));
    const gatewayEnv: NodeJS.ProcessEnv = { ...base, ...amqp('gateway'), PORT: String(ports.gateway) };
    for (const s of SUBGRAPHS) gatewayEnv[`SUBGRAPH_URL_${s.toUpperCase()}`] = urls[s];
    // Last, so a caller can route the gateway elsewhere (e.g. to a subgraph through a proxy).
    Object.assign(gatewayEnv, options.serviceEnv?.gateway);
    start('gateway', gatewayEnv);
    await ready('gateway');
    starting = false;
  } catch (err) {
    await stop();
    throw err;
  }
  return { gatewayUrl: urls.gateway, urls, processes, kill, restart, stop };
}
