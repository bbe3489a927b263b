import pino, { type Logger } from 'pino';

export type { Logger };

/** One JSON logger per process; children carry request and message ids. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'headers.authorization'], remove: true },
  });
}
