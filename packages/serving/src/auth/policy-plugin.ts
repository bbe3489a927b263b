import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
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
/** What the outcome of the walk depends on besides the operation: signed in or not, and which scopes. */
const callerKey = (identity: Identity | null) => (identity ? `+${[...new Set(identity.scopes)].sort().join(' ')}` : '-');

/**
 * The walk's result per operation and kind of caller. Apollo Server hands the same DocumentNode for
 * every request with the same query text (its document store), so repeated operations cost a lookup.
 * Bounded per document: a flood of tokens with ever new scope sets only walks again, it does not grow.
 */
function cachedViolations(policy: Policy) {
  const byDocument = new WeakMap<DocumentNode, Map<string, Violation[]>>();
  return (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, identity: Identity | null) => {
    let cache = byDocument.get(document);
    if (!cache) byDocument.set(document, (cache = new Map()));
    const key = `${operation.name?.value ?? ''}|${callerKey(identity)}`;
    let found = cache.get(key);
    if (!found) {
      found = violations(policy, schema, document, operation, identity);
      if (cache.size < 32) cache.set(key, found);
    }
    return found;
  };
}

export function authorizationPlugin<C extends { identity: Identity | null }>(
  policy: Policy,
  /** 401/403 on a refusal: right for the gateway's clients; a subgraph must answer 200, or the gateway reports a failed fetch. */
  options: { httpStatus?: boolean } = {},
): ApolloServerPlugin<C> {
  const check = cachedViolations(policy);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, schema, contextValue }) {
          if (!operation) return;
          const found = check(schema, document, operation, contextValue.identity);
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
