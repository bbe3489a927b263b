import type { ApolloServerPlugin } from '@apollo/server';
import type { Identity } from './identity';
import { forbidden, unauthenticated } from './identity';
import { violations, type Policy, type Violation } from './policy';

const describe = (v: Violation) =>
  v.missing === 'identity'
    ? `${v.coordinate} (at ${v.path}) requires authentication`
    : `${v.coordinate} (at ${v.path}) requires the scope ${v.requirement.anyOf.map((all) => all.join(' + ')).join(' or ')}`;

/**
 * Enforces the schema's @authenticated/@requiresScopes after the operation is resolved and before
 * anything executes, so a refused operation never reaches a resolver or a subgraph. The whole operation
 * is refused (as Apollo Router's `reject_unauthorized`): no partial answer where a field silently went null.
 */
export function authorizationPlugin<C extends { identity: Identity | null }>(
  policy: Policy,
  /** 401/403 on a refusal: right for the gateway's clients; a subgraph must answer 200, or the gateway reports a failed fetch. */
  options: { httpStatus?: boolean } = {},
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, schema, contextValue }) {
          if (!operation) return;
          const found = violations(policy, schema, document, operation, contextValue.identity);
          if (found.length === 0) return;
          const message = `not allowed: ${found.map(describe).join('; ')}`;
          const error = contextValue.identity ? forbidden(message) : unauthenticated(message);
          error.extensions.fields = found.map((v) => v.coordinate);
          // Apollo answers an error thrown from this hook with HTTP 500 unless it names a status;
          // a subgraph's own refusal goes back as 200 with the error, for the gateway to pass on.
          error.extensions.http = { status: options.httpStatus ? (contextValue.identity ? 403 : 401) : 200 };
          throw error;
        },
      };
    },
  };
}
