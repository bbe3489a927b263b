import type { ChildProcess } from 'node:child_process';

/**
 * The child's exit code, or 'alive' if it has not exited within `ms`; then it is killed, so a test
 * that fails leaves nothing running. Call it right after spawning, before the child can exit.
 */
export function exitWithin(child: ChildProcess, ms: number): Promise<number | null | 'alive'> {
  return new Promise((resolve) => {
    // Already ended before we asked: its 'exit' has been emitted.
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => (child.kill('SIGKILL'), resolve('alive')), ms);
    child.once('exit', (code) => (clearTimeout(timer), resolve(code)));
  });
}
