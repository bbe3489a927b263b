import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@cinema/testing';
import { expectedStamp, serverBuild, startedHere } from './ferretdb';
import { ensureMongo, ROOT, waitFor } from './infra';

// A FerretDB outlives the runs that started it: infra.ts must notice one of another build instead
// of testing an older patch, and must touch only a server this checkout started.
const BIN = join(ROOT, '.tools', 'bin', 'ferretdb');
const onLinux = existsSync('/proc') ? it : it.skip;
let dir: string;
const children: ChildProcess[] = [];
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ferretdb-infra-'))));
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A process whose arguments look like a FerretDB's (argv[0] as given), doing nothing for 60 s. */
function lookalike(argv0: string, port: number): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', '--', `--listen-addr=127.0.0.1:${port}`], { argv0, stdio: 'ignore' });
  children.push(child);
  return child;
}

it('the FerretDB under test is the build this checkout patches (its buildInfo carries the stamp)', async () => {
  const running = await serverBuild(process.env.MONGO_URL!);
  expect(running).not.toBeNull();
  if (running!.ferretdb) expect(running!.stamp).toBe(expectedStamp(ROOT));
});

onLinux('finds the server this checkout started on a port: by its pid file, else by its arguments', async () => {
  const [ours, other] = [lookalike(BIN, 40_001), lookalike('/elsewhere/.tools/bin/ferretdb', 40_002)];
  await waitFor('the lookalikes', async () => startedHere(BIN, 40_001, join(dir, 'none')) === ours.pid, 5_000);
  writeFileSync(join(dir, 'pid'), `${ours.pid}\n`);
  expect(startedHere(BIN, 40_001, join(dir, 'pid'))).toBe(ours.pid);
  expect(startedHere(BIN, 40_003, join(dir, 'pid'))).toBeUndefined();
  // Another checkout's binary, listening on its own port, is never ours, pid file or not.
  writeFileSync(join(dir, 'pid'), `${other.pid}\n`);
  expect(startedHere(BIN, 40_002, join(dir, 'pid'))).toBeUndefined();
});

const withBinary = existsSync(BIN) && existsSync('/proc') ? it : it.skip;
withBinary('refuses a FerretDB of another build that another checkout started, and leaves it running', async () => {
  const port = await freePort();
  const foreign = join(dir, 'ferretdb');
  copyFileSync(BIN, foreign);
  const data = mkdtempSync(join(dir, 'data-'));
  const args = [`--sqlite-url=file:${data}/`, `--state-dir=${data}`, `--listen-addr=127.0.0.1:${port}`, '--debug-addr=-', '--telemetry=disable'];
  children.push(spawn(foreign, ['--handler=sqlite', ...args], { stdio: 'ignore' }));
  const url = `mongodb://127.0.0.1:${port}`;
  await waitFor('the other checkout’s FerretDB', async () => (await serverBuild(url)) !== null, 20_000);
  const before = await serverBuild(url);
  // Another patch here: that build is now "another build" for this checkout.
  const env = { FERRETDB_PORT: String(port), FERRETDB_VERSION: 'v0.0.0-another' };
  await expect(ensureMongo(env)).rejects.toThrow(`this checkout did not start that server (pid ${children.at(-1)!.pid}, ${foreign})`);
  expect(await serverBuild(url)).toEqual(before);
}, 40_000);
