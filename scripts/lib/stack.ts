/**
 * Runs the whole stack as real processes: three subgraphs and the gateway, each a `tsx` child with
 * its own environment (or, `compiled`, plain `node` on what `npm run build` wrote, as the image runs
 * it). Used by `npm start` and by the end-to-end tests (on other ports and databases). A subgraph may
 * run as several processes on ports of their own (the caller balances them behind its port) and the
 * gateway as several workers sharing its port (gateway/src/cluster.ts): chaos runs two of each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { GATEWAY_NODE_OPTIONS } from '../../gateway/src/heap';
import { loginUrl, type BrokerAccess } from './broker-users';
import { ROOT, waitFor } from './infra';

export const SUBGRAPHS = ['users', 'movies', 'catalog'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];
export type ServiceName = SubgraphName | 'gateway';
/** One process of the stack: a service's first (or only) one is named after it, the next `movies-2`, `movies-3`… */
export type InstanceName = ServiceName | `${SubgraphName}-${number}`;
export const instanceName = (service: ServiceName, index: number) => (index === 0 ? service : `${service}-${index + 1}`) as InstanceName;
export const serviceOf = (instance: InstanceName) => instance.replace(/-\d+$/, '') as ServiceName;

export interface StackOptions {
  mongoUrl: string;
  /** The broker and its users: each service logs in as its own (broker-users.ts). */
  broker: BrokerAccess;
  /** Where each service is reached: the gateway's port, and the URL the gateway has for each subgraph. */
  ports: Record<ServiceName, number>;
  /**
   * A subgraph run as several processes, one per port listed (sharing its database and broker
   * namespace); `ports[s]` is then the caller's, e.g. a balancer in front of them. Default: one on `ports[s]`.
   */
  instancePorts?: Partial<Record<SubgraphName, number[]>>;
  /** Above 1: the gateway as gateway/src/cluster.ts with that many GATEWAY_WORKERS on its port. */
  gatewayWorkers?: number;
  /** Database name per subgraph (default: the subgraph's name). */
  databases?: Partial<Record<SubgraphName, string>>;
  env?: NodeJS.ProcessEnv;
  /** Extra environment for one service (its own secrets; its AMQP_URL through a fault-injecting proxy). */
  serviceEnv?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
  /** Where each process's stdout/stderr goes (default: discarded). */
  output?: (instance: InstanceName) => Writable | undefined;
  /** Called if a process exits while the stack is meant to be up. */
  onExit?: (instance: InstanceName, code: number | null) => void;
  /** Run each service's compiled dist/index.js (`npm run build` first) instead of its TypeScript. */
  compiled?: boolean;
}

export interface Stack {
  gatewayUrl: string;
  urls: Record<ServiceName, string>;
  /** Every process, by instance name (`processes.get('movies')` is movies' first or only one). */
  processes: Map<InstanceName, ChildProcess>;
  /** The processes of one service (the gateway's is one, its cluster primary when it has workers). */
  instancesOf(service: ServiceName): InstanceName[];
  /** Kills one process (SIGKILL by default: no chance to ack or flush) and waits for it to exit. */
  kill(instance: InstanceName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a killed process again with the same environment and waits until it is ready. */
  restart(instance: InstanceName): Promise<void>;
  /** The last few kB a process wrote (stdout and stderr, its restarts included): for a failing test's message. */
  logTail(instance: InstanceName): string;
  stop(): Promise<void>;
}

export const workspaceOf = (s: ServiceName) => (s === 'gateway' ? 'gateway' : join('subgraphs', s));
/**
 * The node arguments that start a service: its TypeScript through tsx, or as the Dockerfile runs it;
 * `entry` another file of the service's (the gateway's `cluster`).
 */
export const serviceArgs = (s: ServiceName, compiled = false, entry = 'index') =>
  compiled ? ['--conditions=production', join(ROOT, workspaceOf(s), 'dist', `${entry}.js`)] : ['--import', 'tsx', join(ROOT, workspaceOf(s), 'src', `${entry}.ts`)];

/**
 * Ready, and its dependencies up too: a subgraph serves before its broker link is (readiness does
 * not wait for it), but a stack handed to a test or a user must have declared its queues, or the
 * first events would find no queue bound for them. `said` keeps what the last probe heard, for the
 * error of a start that times out.
 */
async function healthy(port: number, said: { last: string }): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(1_000) });
    const text = await res.text();
    said.last = `${res.status} ${text}`;
    if (!res.ok) return false;
    const body = JSON.parse(text) as { dependencies?: Record<string, string> };
    return Object.values(body.dependencies ?? {}).every((state) => state === 'ok');
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    said.last = e.cause?.code ?? e.message;
    return false;
  }
}

function launch(
  instance: InstanceName,
  env: NodeJS.ProcessEnv,
  { output, compiled, gatewayWorkers = 1 }: StackOptions,
  onExit: (code: number | null) => void,
  onOutput: (chunk: Buffer) => void,
) {
  const service = serviceOf(instance);
  // One process per service (node + the tsx loader), so a signal reaches the service itself. The
  // IPC channel closes when this process dies, however it dies: the service then shuts down too.
  // The gateway's heap limit first, so a limit in the caller's own NODE_OPTIONS still wins.
  if (service === 'gateway') env = { ...env, NODE_OPTIONS: [GATEWAY_NODE_OPTIONS, env.NODE_OPTIONS].filter(Boolean).join(' ') };
  const entry = service === 'gateway' && gatewayWorkers > 1 ? 'cluster' : 'index';
  const child = spawn(process.execPath, serviceArgs(service, compiled, entry), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const sink = output?.(instance);
  if (sink) {
    child.stdout!.pipe(sink, { end: false });
    child.stderr!.pipe(sink, { end: false });
  } else {
    child.stdout!.resume();
    child.stderr!.resume();
  }
  // Its output's tail too, so a failure names its reason in the test's output (CI keeps that, not the log files).
  child.stdout!.on('data', onOutput);
  child.stderr!.on('data', onOutput);
  child.once('exit', onExit);
  return child;
}

const LOG_TAIL_CHARS = 4_000;

export async function startStack(options: StackOptions): Promise<Stack> {
  const { ports } = options;
  const processes = new Map<InstanceName, ChildProcess>();
  let stopping = false;
  const base = { ...process.env, ...options.env, HOST: '127.0.0.1', AMQP_USER_PREFIX: options.broker.prefix };
  const amqp = (s: ServiceName) => ({ AMQP_URL: loginUrl(options.broker, s) });
  const urls = Object.fromEntries(
    (Object.keys(ports) as ServiceName[]).map((s) => [s, `http://127.0.0.1:${ports[s]}/graphql`]),
  ) as Record<ServiceName, string>;
  const instancePorts = (s: ServiceName) => (s === 'gateway' ? undefined : options.instancePorts?.[s]) ?? [ports[s]];
  const instancesOf = (s: ServiceName) => instancePorts(s).map((_, i) => instanceName(s, i));
  const portOf = (instance: InstanceName) => instancePorts(serviceOf(instance))[instancesOf(serviceOf(instance)).indexOf(instance)]!;

  const envs = new Map<InstanceName, NodeJS.ProcessEnv>();
  const tails = new Map<InstanceName, string>();
  const logTail = (instance: InstanceName) => tails.get(instance) ?? '';
  const killed = new Set<InstanceName>();
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
  // A process that exits while the stack starts fails the start at once, with its name; later,
  // an exit nobody asked for is reported to onExit.
  let starting = true;
  let startupFailure: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (startupFailure = reject));
  failed.catch(() => undefined);
  const start = (instance: InstanceName, env: NodeJS.ProcessEnv) => {
    envs.set(instance, env);
    const onExit = (code: number | null) => {
      if (stopping || killed.has(instance)) return;
      const said = logTail(instance).slice(-600).trim();
      if (starting) startupFailure(new Error(`${instance} exited during start-up (code ${code})${said ? `: ${said}` : ''}`));
      else options.onExit?.(instance, code);
    };
    const keep = (chunk: Buffer) => tails.set(instance, ((tails.get(instance) ?? '') + chunk.toString()).slice(-LOG_TAIL_CHARS));
    processes.set(instance, launch(instance, env, options, onExit, keep));
  };
  const ready = async (i: InstanceName) => {
    const said = { last: 'nothing yet' };
    await waitFor(`${i} on port ${portOf(i)}`, () => healthy(portOf(i), said), 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; its readiness probe last heard: ${said.last}`);
    });
  };
  const stop = async () => {
    stopping = true;
    await Promise.all([...processes.values()].map((child) => exited(child, 'SIGTERM')));
  };
  const kill = async (instance: InstanceName, signal: NodeJS.Signals = 'SIGKILL') => {
    killed.add(instance);
    await exited(processes.get(instance)!, signal);
  };
  const restart = async (instance: InstanceName) => {
    start(instance, envs.get(instance)!);
    killed.delete(instance);
    await ready(instance);
  };

  try {
    for (const s of SUBGRAPHS) {
      const env = { ...base, ...amqp(s), MONGO_URL: options.mongoUrl, MONGO_DB: options.databases?.[s] ?? s, ...options.serviceEnv?.[s] };
      for (const i of instancesOf(s)) start(i, { ...env, PORT: String(portOf(i)) });
    }
    await Promise.race([Promise.all(SUBGRAPHS.flatMap(instancesOf).map(ready)), failed]);
    const gatewayEnv: NodeJS.ProcessEnv = { ...base, ...amqp('gateway'), PORT: String(ports.gateway) };
    if ((options.gatewayWorkers ?? 1) > 1) gatewayEnv.GATEWAY_WORKERS = String(options.gatewayWorkers);
    for (const s of SUBGRAPHS) gatewayEnv[`SUBGRAPH_URL_${s.toUpperCase()}`] = urls[s];
    // Last, so a caller can route the gateway elsewhere (e.g. to a subgraph through a proxy).
    Object.assign(gatewayEnv, options.serviceEnv?.gateway);
    start('gateway', gatewayEnv);
    await Promise.race([ready('gateway'), failed]);
    starting = false;
  } catch (err) {
    await stop();
    throw err;
  }
  return { gatewayUrl: urls.gateway, urls, processes, instancesOf, kill, restart, logTail, stop };
}
