import { builtinModules } from 'node:module';
import { importsOf, isTestCode, regionOf, type Import, type Tree } from './import-graph';

/**
 * The repository's import rules (layering.unit.test.ts checks them on the tree itself), so that a
 * lower layer never learns about a higher one; docs/architecture.md draws them.
 *
 * Packages are layered in this order: a package's code imports only packages listed before it. Its
 * tests may also use `testing`, the test helpers, which sit on top. Services use packages; scripts,
 * bench and tests use anything below them; nothing outside e2e/ imports from e2e/.
 */
export const PACKAGE_LAYERS = ['events', 'config', 'telemetry', 'mongo', 'serving', 'messaging', 'subgraph-runtime', 'testing'];

const BUILTIN = new Set(builtinModules);
const packageName = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

/** One line per broken rule; none when the tree keeps them all. */
export function layeringViolations(tree: Tree): string[] {
  const imports = importsOf(tree);
  const out = imports.flatMap((i) => ruleOf(i, tree)).filter((v): v is string => v !== undefined);
  for (const [path, text] of tree.files) {
    if (regionOf(path).startsWith('package:') && /^\s*export\s*\*/m.test(text)) out.push(`${path}: \`export *\` in a package: name what it exports`);
  }
  for (const cycle of cycles(imports.filter((i) => i.to).map((i) => [i.from, i.to!] as const))) out.push(`import cycle between files: ${cycle.join(', ')}`);
  const packageEdges = imports
    .filter((i) => i.workspace && !isTestCode(i.from))
    .map((i) => [tree.workspaces.find((w) => i.from.startsWith(`${w.dir}/`))?.name ?? regionOf(i.from), i.workspace!.name] as const);
  for (const cycle of cycles(packageEdges)) out.push(`import cycle between packages: ${cycle.join(', ')}`);
  return out;
}

function ruleOf(i: Import, tree: Tree): string | undefined {
  const from = regionOf(i.from);
  const to = i.to ? regionOf(i.to) : i.workspace ? regionOf(`${i.workspace.dir}/x`) : undefined;
  const says = (why: string) => `${i.from} imports '${i.spec}': ${why}`;
  if (to === 'e2e' && from !== 'e2e') return says('nothing outside e2e/ imports from e2e/ (shared test helpers live in packages/testing)');
  if (from.startsWith('subgraph:') && to && to !== from && (to.startsWith('subgraph:') || to === 'gateway')) return says('a subgraph imports no other service');
  if (from === 'gateway' && to?.startsWith('subgraph:')) return says('the gateway imports no subgraph');
  if ((from === 'gateway' || from.startsWith('subgraph:')) && (to === 'scripts' || to === 'bench')) return says('a service imports no script');
  if (from.startsWith('package:')) {
    const layering = packageRule(from.slice('package:'.length), to, i);
    if (layering) return says(layering);
  }
  // What runs in a service's image was installed from its workspaces' declared dependencies only.
  const name = packageName(i.spec);
  if (i.spec.startsWith('.') || i.spec.startsWith('node:') || BUILTIN.has(name) || isTestCode(i.from)) return undefined;
  const home = tree.workspaces.find((w) => i.from.startsWith(`${w.dir}/`));
  if (!home || name === home.name || name in (home.pkg.dependencies ?? {})) return undefined;
  return says(`${name} is not in ${home.dir}/package.json's dependencies`);
}

function packageRule(own: string, to: string | undefined, i: Import): string | undefined {
  if (to && !to.startsWith('package:') && to !== 'root') return 'a package imports only packages';
  if (!to?.startsWith('package:') || to === `package:${own}`) return undefined;
  const target = to.slice('package:'.length);
  const [a, b] = [PACKAGE_LAYERS.indexOf(own), PACKAGE_LAYERS.indexOf(target)];
  if (a < 0) return `package ${own} has no place in PACKAGE_LAYERS (scripts/lib/layering.ts)`;
  const testsMayUse = isTestCode(i.from) && target === 'testing';
  return (b >= 0 && b < a) || testsMayUse ? undefined : `${own} may import only packages below it (${PACKAGE_LAYERS.slice(0, a).join(', ') || 'none'})`;
}

/** The nodes of each import cycle: every strongly connected set of two or more (or a node importing itself). */
export function cycles(edges: ReadonlyArray<readonly [string, string]>): string[][] {
  const next = new Map<string, string[]>();
  for (const [a, b] of edges) next.set(a, [...(next.get(a) ?? []), b]);
  // Tarjan's algorithm, iteratively: a deep import chain must not overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  for (const root of next.keys()) {
    if (index.has(root)) continue;
    const work: Array<[string, number]> = [[root, 0]];
    while (work.length) {
      const frame = work[work.length - 1]!;
      const [node, i] = frame;
      if (i === 0) {
        index.set(node, index.size);
        low.set(node, index.get(node)!);
        stack.push(node);
        onStack.add(node);
      }
      const targets = next.get(node) ?? [];
      if (i < targets.length) {
        frame[1]++;
        const t = targets[i]!;
        if (!index.has(t)) work.push([t, 0]);
        else if (onStack.has(t)) low.set(node, Math.min(low.get(node)!, index.get(t)!));
        continue;
      }
      work.pop();
      if (work.length) low.set(work[work.length - 1]![0], Math.min(low.get(work[work.length - 1]![0])!, low.get(node)!));
      if (low.get(node) !== index.get(node)) continue;
      const scc: string[] = [];
      let n: string;
      do {
        n = stack.pop()!;
        onStack.delete(n);
        scc.unshift(n);
      } while (n !== node);
      if (scc.length > 1 || targets.includes(node)) found.push(scc);
    }
  }
  return found;
}
