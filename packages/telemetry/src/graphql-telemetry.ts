import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { GraphQLFormattedError } from 'graphql';
import type { ServiceMetrics } from './metrics';
import { operationLabels } from './operation-label';

/** Codes that mean the client asked for something wrong: not a failure of the service. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);

export function outcomeOf(errors: readonly GraphQLFormattedError[] | readonly { extensions?: Record<string, unknown> }[] | undefined): string {
  if (!errors || errors.length === 0) return 'ok';
  return errors.every((e) => CLIENT_CODES.has(String(e.extensions?.code))) ? 'client_error' : 'error';
}

/**
 * Counts and times every operation (graphql_requests_total, graphql_request_duration_seconds), when
 * the service has metrics, and names it on the request's span (the HTTP middleware made it the
 * active one; without tracing there is none).
 */
export function graphqlTelemetry<C extends BaseContext>(metrics?: ServiceMetrics): ApolloServerPlugin<C> {
  const label = operationLabels();
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, operation, errors }) {
          const labels = { operation: label(operationName), outcome: outcomeOf(errors) };
          metrics?.graphqlRequests.inc(labels);
          metrics?.graphqlDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
          const span = trace.getActiveSpan();
          if (!span) return;
          span.setAttributes({
            'graphql.operation.name': operationName ?? '',
            'graphql.operation.type': operation?.operation ?? '',
          });
          if (labels.outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: errors?.[0]?.message });
        },
      };
    },
  };
}
