import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ROOT } from './lib/infra';

/**
 * The GitHub Actions workflows, linted by actionlint where it is installed (on PATH or in Go's bin
 * folder: `go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12`); skipped with a note
 * where it is not, since nothing here can fetch it on its own.
 */
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const goBins = [process.env.GOBIN, process.env.GOPATH && join(process.env.GOPATH, 'bin'), join(homedir(), 'go', 'bin')];
const actionlint = [...(process.env.PATH ?? '').split(delimiter), ...goBins]
  .filter((dir): dir is string => !!dir)
  .map((dir) => join(dir, 'actionlint'))
  .find((file) => existsSync(file));

const lint = (cwd: string, files: string[]) => spawnSync(actionlint!, ['-no-color', ...files], { cwd, encoding: 'utf8', timeout: 60_000 });

if (!actionlint) {
  console.warn('actionlint is not installed: the workflow lint is skipped (go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12)');
}
const withActionlint = actionlint ? describe : describe.skip;

withActionlint('GitHub Actions workflows (actionlint)', () => {
  it('pass actionlint', () => {
    const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(WORKFLOWS, f));
    expect(files.length).toBeGreaterThan(0);
    const run = lint(ROOT, files);
    expect({ status: run.status, output: run.stdout + run.stderr }).toEqual({ status: 0, output: '' });
  });

  it('fail on a broken workflow (the linter really runs)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    const file = join(dir, '.github', 'workflows', 'broken.yml');
    writeFileSync(file, 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.nothing_here.oops }\n');
    const run = lint(dir, [file]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/broken\.yml:6/);
  });
});
