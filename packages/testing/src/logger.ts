import pino from 'pino';

/** Tests assert on behaviour, not on log lines. */
export const silentLogger = pino({ level: 'silent' });
