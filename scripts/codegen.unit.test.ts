import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import config from '../codegen';
import { ROOT } from './lib/infra';

// Codegen's CLI package loads ESM-only modules that jest cannot require, so the generation runs in
// a child process (the same script as `npm run codegen`), in memory: nothing is written.
const runCheck = (...args: string[]) =>
  spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'codegen.ts'), '--check', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

describe('generated resolver types', () => {
  it('cover every subgraph that has an SDL', () => {
    const subgraphs = readdirSync(join(ROOT, 'subgraphs')).filter((name) => existsSync(join(ROOT, 'subgraphs', name, 'src', 'schema.graphql')));
    const outputs = Object.keys(config.generates).map((file) => file.split('/')[1]);
    expect(outputs.sort()).toEqual(subgraphs.sort());
  });

  it('are what each schema.graphql generates now (run `npm run codegen` if not)', () => {
    const run = runCheck();
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/resolver types up to date \(3 files\)/);
  });

  it('are reported stale, by file, once they differ from what the SDL generates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codegen-'));
    try {
      for (const file of Object.keys(config.generates)) cpSync(join(ROOT, file), join(dir, file), { recursive: true });
      const tampered = Object.keys(config.generates)[1]!;
      writeFileSync(join(dir, tampered), '// an older generation\n');
      const run = runCheck('--against', dir);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`${tampered} is stale`);
      expect(run.stderr.match(/is stale/g)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
