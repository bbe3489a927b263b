import { spawn, type StdioOptions } from 'node:child_process';
import { join } from 'node:path';
import { exitWithin } from '@cinema/testing';

/** Real child processes: what `npm start` and the tests rely on when they go away. */
function start(startMs: number, stdio: StdioOptions) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'slow-start.ts')], { env: { ...process.env, START_MS: String(startMs), LOG_LEVEL: 'info' }, stdio });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  const ended = exitWithin(child, 10_000);
  const started = new Promise<void>((resolve) => child.stdout!.on('data', () => out.includes('started') && resolve()));
  return { child, ended, started, output: () => out };
}

describe('onShutdown and the parent process', () => {
  it('stops when the parent went away while the service was still starting', async () => {
    const p = start(1_500, ['ignore', 'pipe', 'inherit', 'ipc']);
    p.child.disconnect(); // as the parent's death closes the channel: before onShutdown is installed
    const code = await p.ended;
    expect(code).toBe(0);
    expect(p.output()).toContain('"signal":"parent exited"');
    expect(p.output()).toContain('steps ran');
  }, 20_000);

  it('stops when the parent goes away after the start', async () => {
    const p = start(0, ['ignore', 'pipe', 'inherit', 'ipc']);
    await p.started;
    p.child.disconnect();
    const code = await p.ended;
    expect(code).toBe(0);
    expect(p.output()).toContain('steps ran');
  }, 20_000);

  it('keeps running without an IPC channel (docker, systemd) until a signal', async () => {
    const p = start(0, ['ignore', 'pipe', 'inherit']);
    await p.started;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(p.child.exitCode).toBeNull();
    p.child.kill('SIGTERM');
    expect(await p.ended).toBe(0);
    expect(p.output()).toContain('"signal":"SIGTERM"');
  }, 20_000);
});
