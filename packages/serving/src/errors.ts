import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';

/** Error codes clients can rely on; the same strings Apollo Server uses. */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The body of a refusal made before GraphQL runs (HTTP-level), shaped like a GraphQL error response. */
export const errorBody = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

/** A client mistake: the message says what is wrong, `field` says where. */
export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BadUserInput, ...(field ? { field } : {}) },
  });
}

// Codes produced on purpose (by us or by graphql-js/Apollo for invalid documents or variables).
// Anything else is unexpected and must reach the client without internals.
const CLIENT_SAFE_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  // The gateway's demand control: the client asked for too much (see gateway/src/demand-control).
  'COST_ESTIMATED_TOO_EXPENSIVE',
  'SUBGRAPH_RESPONSE_TOO_LARGE',
  'RESPONSE_TOO_LARGE',
  // Not the client's mistake, but a code clients act on: a subgraph's fields failed, the rest stands.
  'SUBGRAPH_UNAVAILABLE',
]);

/**
 * Apollo `formatError` hook: client-safe errors pass through (minus stack traces), everything
 * else is logged with its context and answered as a generic internal error.
 */
export function maskUnexpectedErrors(logger: Logger, production = false) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    // `response` marks the gateway's report of a subgraph's HTTP failure (its URL and body): whatever
    // code it carries (a subgraph's 401 becomes UNAUTHENTICATED), it is not the client's mistake.
    const upstreamFailure = formatted.extensions?.response !== undefined;
    if (typeof code === 'string' && CLIENT_SAFE_CODES.has(code) && !upstreamFailure) {
      const { stacktrace: _stack, ...rest } = formatted.extensions ?? {};
      // In production only the keys clients rely on leave: nothing that names a subgraph or a URL.
      const extensions = production ? pick(rest, ['code', 'field', 'fields', 'cost']) : rest;
      return { ...formatted, extensions };
    }
    // Apollo's own refusals of a malformed request (a persisted query whose hash does not match its
    // query, an unsupported persisted query version) name a 4xx status but no code: the client's mistake.
    const status = error instanceof GraphQLError ? (error.extensions?.http as { status?: unknown } | undefined)?.status : undefined;
    if ((code === undefined || code === ErrorCode.Internal) && typeof status === 'number' && status >= 400 && status < 500) {
      return { message: formatted.message, extensions: { code: 'BAD_REQUEST' } };
    }
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    logger.error({ err: original, path: formatted.path }, 'unexpected error while resolving');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: ErrorCode.Internal },
    };
  };
}

const pick = (o: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));
