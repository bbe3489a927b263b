/**
 * Runs one gateway under `node --cpu-prof` while a workload loads it, then reads the profile: self
 * time by package and by function. This is what says where the remaining cost is.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, TEST_JWT_SECRET, TEST_SIGNING_SECRET } from '@cinema/testing';
import type { BenchConfig } from './config';
import type { GatewayVariant } from './gateways';
import type { Target } from './gateway-only';
import { measure } from './load';
import { startNode, waitReady } from './processes';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

/** node_modules/<pkg> (scoped included), "node:" internals, our own source, or the VM (gc, idle). */
function owner(url: string): string {
  if (!url) return '(vm: gc, idle, native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return 'node internals';
  return 'project source';
}

/**
 * `skipMs`: leave out the first part of the process's life (module loading, warm-up); `untilMs`: and
 * what follows the load (the shutdown: requests cut off mid-flight end in Apollo's error path).
 */
export function summarize(profile: Profile, skipMs = 0, top = 12, untilMs = Infinity) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at / 1000 >= skipMs && at / 1000 <= untilMs) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const pkg = new Map<string, number>();
  const fn = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byNode.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') continue;
    pkg.set(owner(url), (pkg.get(owner(url)) ?? 0) + t);
    const key = `${functionName || '(anonymous)'} ${url ? `${url.split('node_modules/').pop()!.replace(/^file:\/\/.*\/wt-bench\//, '')}:${lineNumber + 1}` : ''}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + t);
  }
  const idle = [...self].filter(([id]) => byNode.get(id)!.callFrame.functionName === '(idle)').reduce((s, [, t]) => s + t, 0);
  const busy = total - idle;
  const rank = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, t]) => ({ name, pct: Math.round((t / busy) * 1000) / 10 }));
  return { busyPct: Math.round((busy / total) * 100), packages: rank(pkg), functions: rank(fn) };
}

export async function profileGateway(cfg: BenchConfig, g: GatewayVariant, target: Target, body: string | (() => string)) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-prof-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  const server = startNode(`${g.name}-profiled`, g.entry, {
    PORT: String(port), HOST: '127.0.0.1', GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET, JWT_SECRET: TEST_JWT_SECRET,
    SUBGRAPH_URL_USERS: target.urls.users, SUBGRAPH_URL_MOVIES: target.urls.movies, SUBGRAPH_URL_CATALOG: target.urls.catalog, ...g.env,
  }, { cpus: cfg.gatewayCpus, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  const spawned = Date.now();
  let skipMs = 0;
  let untilMs = Infinity;
  try {
    await waitReady(url, 60_000, server);
    await measure({ url, body, connections: cfg.connections, seconds: 1, warmupSeconds: 0 }, server.child.pid!);
    skipMs = Date.now() - spawned;
    await measure({ url, body, connections: cfg.connections, seconds: cfg.seconds, warmupSeconds: 0 }, server.child.pid!);
    untilMs = Date.now() - spawned;
  } finally {
    await server.stop(); // the profile is written at a clean exit
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return undefined;
  return summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')), skipMs, 12, untilMs);
}
