import { forbidden, unauthenticated, violations, type Identity, type Policy } from '@cinema/serving';
import { getOperationAST, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ParseOptions, type ValidationRule } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { deriveQuery, type DerivedQuery } from './derive-query';
import type { LiveField } from './live-fields';

export interface SubscribeRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface Prepared {
  live: LiveField;
  derived: DerivedQuery;
  document: DocumentNode;
}

export interface PrepareContext {
  /** The API schema the gateway serves (the same one queries are validated against). */
  schema: GraphQLSchema;
  policy: Policy;
  fields: Map<string, LiveField>;
  /** The gateway's document limits (depth, aliases, directives…), as for queries. */
  validationRules: readonly ValidationRule[];
  parseOptions: ParseOptions;
}

const bad = (message: string, code = 'BAD_USER_INPUT') => [new GraphQLError(message, { extensions: { code } })];

/**
 * Everything a subscription must pass before it is live, the same way a query must: parse (token
 * limit), validation with the gateway's limits, @authenticated/@requiresScopes for this caller on
 * every selected field, variables. Then the query each payload will be answered with, validated
 * too, so a subscription that could never be answered is refused now rather than at its first event.
 */
export function prepareSubscription(req: SubscribeRequest, identity: Identity | null, c: PrepareContext): Prepared | readonly GraphQLError[] {
  if (typeof req.query !== 'string') return bad('query must be a string');
  let document: DocumentNode;
  try {
    document = parse(req.query, c.parseOptions);
  } catch (err) {
    return [err instanceof GraphQLError ? err : new GraphQLError(String(err))];
  }
  const invalid = validate(c.schema, document, [...specifiedRules, ...c.validationRules]);
  if (invalid.length > 0) return invalid;
  const operation = getOperationAST(document, req.operationName ?? undefined);
  if (!operation) return bad('no operation (or several without operationName)');
  if (operation.operation !== 'subscription') return bad(`only subscriptions are served here; send ${operation.operation}s to POST /graphql`);
  const refused = violations(c.policy, c.schema, document, operation, identity);
  if (refused.length > 0) {
    const message = `not allowed: ${refused.map((v) => `${v.coordinate} (at ${v.path}) requires ${v.missing === 'identity' ? 'authentication' : `the scope ${v.requirement.anyOf.map((a) => a.join(' + ')).join(' or ')}`}`).join('; ')}`;
    return [identity ? forbidden(message) : unauthenticated(message)];
  }
  const coerced = getVariableValues(c.schema, operation.variableDefinitions ?? [], req.variables ?? {});
  if (coerced.errors) return coerced.errors;
  const root = operation.selectionSet.selections[0];
  const live = root?.kind === 'Field' ? c.fields.get(root.name.value) : undefined;
  if (!live) return bad('this subscription field is not served (no @fromEvents declares it)');
  let derived: DerivedQuery;
  try {
    derived = deriveQuery(document, operation, live, coerced.coerced);
  } catch (err) {
    return [err as GraphQLError];
  }
  const unanswerable = validate(c.schema, parse(derived.query), specifiedRules);
  if (unanswerable.length > 0) return bad(`this selection cannot be answered from Query.${live.entity}: ${unanswerable[0]!.message}`);
  return { live, derived, document };
}
