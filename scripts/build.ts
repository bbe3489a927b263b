/**
 * npm run build: every workspace compiled to JavaScript in its own dist/, by tsc's project references
 * (tsconfig.build.json at the root lists each workspace's tsconfig.build.json), and the files their code
 * reads at run time beside their code (the subgraphs' schema.graphql). Tests and their helpers are left
 * out (tsconfig.build.base.json).
 *
 * Run the output with `node --conditions=production <workspace>/dist/index.js`: each package's
 * `exports` sends the `production` condition to its dist/, and everything else (tsx, jest, tsc) to its
 * TypeScript source, so development needs no build (docs/decisions.md, "A compiled production build").
 *
 *   npm run build               incremental: what changed since the last build
 *   npm run build -- --clean    every dist/ removed first (e.g. after deleting a source file)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const SOLUTION = 'tsconfig.build.json';
/** Files read at run time next to the code that reads them (`join(__dirname, …)`). */
const ASSETS = /\.graphql$/;

/** Every workspace the build compiles: those the root tsconfig.build.json references, in its order. */
export function buildWorkspaces(root = ROOT): string[] {
  const { references } = JSON.parse(readFileSync(join(root, SOLUTION), 'utf8')) as { references: Array<{ path: string }> };
  return references.map((r) => relative(root, dirname(join(root, r.path))));
}

function copyAssets(workspace: string): number {
  const src = join(ROOT, workspace, 'src');
  const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => ASSETS.test(f));
  for (const file of files) cpSync(join(src, file), join(ROOT, workspace, 'dist', file));
  return files.length;
}

function main() {
  const workspaces = buildWorkspaces();
  if (process.argv.includes('--clean')) for (const w of workspaces) rmSync(join(ROOT, w, 'dist'), { recursive: true, force: true });
  const started = Date.now();
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--build', SOLUTION], { cwd: ROOT, stdio: 'inherit' });
  const assets = workspaces.reduce((n, w) => n + copyAssets(w), 0);
  console.log(`built ${workspaces.length} workspaces into their dist/ (${assets} assets) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (require.main === module) main();
