import type { Logger } from 'pino';

/**
 * Runs the steps in order on SIGINT/SIGTERM (stop accepting → drain → close connections), once,
 * and exits non-zero if a step fails or the whole takes longer than `timeoutMs`.
 */
export function onShutdown(logger: Logger, steps: Array<() => Promise<unknown>>, timeoutMs = 15_000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    try {
      for (const step of steps) await step();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  // Started by a parent with an IPC channel (npm start, the tests): when it dies, so do we. It may have
  // died while this process was still starting (Ctrl-C during `npm start`): the channel is closed
  // already and 'disconnect' will not come again, so stop now. Measured before: the three subgraphs
  // outlived such a start, orphaned, holding their ports. `send` stays defined after a disconnect.
  if (process.send === undefined) return;
  if (process.connected) process.once('disconnect', () => void stop('parent exited'));
  else void stop('parent exited');
}
