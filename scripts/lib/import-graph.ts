import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import ts from 'typescript';

/**
 * The imports of every .ts file of the repository, resolved to files and workspaces: what
 * layering.ts checks its rules on.
 */

export interface Workspace {
  /** e.g. `@cinema/serving` */
  name: string;
  /** repository-relative, e.g. `packages/serving` */
  dir: string;
  /** `exports` maps a subpath to its source, or to conditions whose `default` is the source (`production`: the compiled dist/). */
  pkg: { main?: string; exports?: Record<string, string | { default: string }>; dependencies?: Record<string, string> };
}

/** Repository-relative posix paths to their text: the whole tree, or a made-up one in a test. */
export interface Tree {
  files: Map<string, string>;
  workspaces: Workspace[];
}

const SKIP = new Set(['node_modules', '.git', '.data', '.tools', 'dist', 'coverage']);

/** Every .ts file of the repository and every npm workspace. */
export function readTree(root: string): Tree {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.set(path, readFileSync(join(root, path), 'utf8'));
    }
  };
  walk('');
  const read = (dir: string) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const dirs = (read('').workspaces as string[]).flatMap((w) =>
    w.endsWith('/*') ? readdirSync(join(root, w.slice(0, -2)), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${w.slice(0, -2)}/${e.name}`) : [w],
  );
  const workspaces = dirs.flatMap((dir) => {
    try {
      const pkg = read(dir);
      return [{ name: pkg.name as string, dir, pkg }];
    } catch {
      return []; // a folder without package.json is not a workspace
    }
  });
  return { files, workspaces };
}

/** Where a file belongs: `e2e`, `gateway`, `subgraph:<name>`, `package:<name>`, `scripts`, `bench` or `root`. */
export function regionOf(path: string): string {
  const [top, second] = path.split('/');
  if (top === 'subgraphs' || top === 'packages') return `${top === 'subgraphs' ? 'subgraph' : 'package'}:${second}`;
  return ['e2e', 'gateway', 'scripts', 'bench'].includes(top!) ? top! : 'root';
}

/** Test code: the tests themselves and what only they run (fixtures, test servers). */
export const isTestCode = (path: string) => /\.test\.ts$|\/fixtures\/|\/test-support\/|\/test-server\.ts$/.test(path);

export interface Import {
  from: string;
  spec: string;
  /** The .ts file it reaches inside the repository, if any. */
  to?: string;
  /** The workspace it names (`@cinema/x`), if any. */
  workspace?: Workspace;
}

/** The imports of every file (import, export … from, require, import()), resolved within the tree. */
export function importsOf(tree: Tree): Import[] {
  const byName = new Map(tree.workspaces.map((w) => [w.name, w]));
  const asFile = (p: string) => [`${p}.ts`, `${p}/index.ts`, p].find((c) => tree.files.has(c));
  const out: Import[] = [];
  for (const [from, text] of tree.files) {
    for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
      if (spec.startsWith('.')) {
        out.push({ from, spec, to: asFile(posix.normalize(posix.join(dirname(from), spec))) });
        continue;
      }
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      const workspace = byName.get(name);
      if (!workspace) {
        out.push({ from, spec });
        continue;
      }
      const sub = spec === name ? '.' : `.${spec.slice(name.length)}`;
      const exported = workspace.pkg.exports?.[sub];
      const entry = (typeof exported === 'object' ? exported.default : exported) ?? (sub === '.' ? workspace.pkg.main ?? 'index.ts' : sub);
      out.push({ from, spec, workspace, to: asFile(posix.normalize(posix.join(workspace.dir, entry)).replace(/\.ts$/, '')) });
    }
  }
  return out;
}
