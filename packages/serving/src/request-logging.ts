import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from './request-context';

/**
 * Logs each operation once it completes, with its name, duration and error count: mutations at
 * info (they start the event path), queries at debug.
 */
export function requestLogging<C extends RequestContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, operation, errors }) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const level = operation?.operation === 'mutation' ? 'info' : 'debug';
          contextValue.logger[level](
            { operationName, ms: Math.round(ms * 10) / 10, errors: errors?.length ?? 0 },
            'operation completed',
          );
        },
      };
    },
  };
}
