import pino from 'pino';

export * from './auth';
export * from './database';
export * from './graphql';
export * from './ports';
export * from './processes';
export * from './run-id';
export * from './broker';
export * from './tcp-proxy';

/** Tests assert on behaviour, not on log lines. */
export const silentLogger = pino({ level: 'silent' });
