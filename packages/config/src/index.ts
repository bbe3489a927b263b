export { bounded } from './bounded';
export { brokerUserOf, env, loadConfig } from './config';
export { createLogger, type Logger } from './logger';
export { onShutdown } from './shutdown';
