import { GraphQLError, Kind, print, visit, type DocumentNode, type ExecutionResult, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { LiveField } from './live-fields';

/** The variable carrying the event's aggregateId into the payload query (a name no client can use: `__` is reserved). */
export const ENTITY_ID_VARIABLE = '__liveEntityId';

export interface DerivedQuery {
  /** `query($__liveEntityId: ID!, …) { <entity>(id: $__liveEntityId) { <selection> } }` and its fragments. */
  query: string;
  /** Where the payload goes in the subscriber's answer: its alias or field name (answer() moves it there). */
  responseKey: string;
  /** The subscriber's variables the query still uses. */
  variables: Record<string, unknown>;
  /** The value the subscriber's argument has (compared with each event's match). */
  argumentValue: string;
}

/**
 * The query answering one payload of a subscription: the subscriber's own selection set, asked of
 * the Query field the supergraph names for its field (`reviewAdded { … }` → `review(id) { … }`). Only what the selection
 * needs is kept (the fragments it reaches, the variables it uses): validation refuses anything unused.
 */
export function deriveQuery(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  live: LiveField,
  variableValues: Record<string, unknown> = {},
): DerivedQuery {
  const root = operation.selectionSet.selections;
  const field = root[0];
  if (root.length !== 1 || field?.kind !== Kind.FIELD) throw new GraphQLError('select the subscription field directly (not through a fragment) and only it', { extensions: { code: 'BAD_USER_INPUT' } });
  const argumentValue = argumentOf(field, live.argument, variableValues);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const reached = new Map<string, FragmentDefinitionNode>();
  const used = new Set<string>();
  const walk = (node: SelectionSetNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(s) {
        const f = fragments.get(s.name.value);
        if (f && !reached.has(f.name.value)) reached.set(f.name.value, f), walk(f);
      },
      Variable(v) {
        used.add(v.name.value);
      },
    });
  if (field.selectionSet) walk(field.selectionSet);
  const definitions = (operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value));
  const query = [
    `query${operation.name ? ` ${operation.name.value}` : ''}($${ENTITY_ID_VARIABLE}: ID!${definitions.map((d) => `, ${print(d)}`).join('')}) {`,
    `  ${live.entity}(id: $${ENTITY_ID_VARIABLE})${field.selectionSet ? ` ${print(field.selectionSet)}` : ''}`,
    '}',
    ...[...reached.values()].map((f) => print(f)),
  ].join('\n');
  const variables = Object.fromEntries(Object.entries(variableValues).filter(([k]) => used.has(k)));
  return { query, responseKey: field.alias?.value ?? field.name.value, variables, argumentValue };
}

/**
 * The payload as the subscriber asked for it: the entity's answer under the subscription's response
 * key, errors' paths too. Moved rather than aliased in the query, so the query counts against the
 * gateway's alias limit exactly as the subscriber's own document did.
 */
export function answer(result: ExecutionResult, entity: string, responseKey: string): ExecutionResult {
  const data = result.data ? { [responseKey]: result.data[entity] ?? null } : result.data;
  const errors = result.errors?.map((e) =>
    e.path?.[0] === entity ? new GraphQLError(e.message, { path: [responseKey, ...e.path.slice(1)], extensions: e.extensions }) : e,
  );
  return { ...(data !== undefined ? { data } : {}), ...(errors ? { errors } : {}) };
}

function argumentOf(field: FieldNode, name: string, variables: Record<string, unknown>): string {
  const node = field.arguments?.find((a) => a.name.value === name)?.value;
  const value = node?.kind === Kind.VARIABLE ? variables[node.name.value] : node?.kind === Kind.STRING || node?.kind === Kind.INT ? node.value : undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new GraphQLError(`${field.name.value}(${name}:) needs a value`, { extensions: { code: 'BAD_USER_INPUT' } });
  return String(value);
}

/** The anonymous query reading `path` of the entity (`entity.cinema.city.id` → `{ screening(id: $id) { cinema { city { id } } } }`). */
export function matchQuery(live: LiveField): string {
  const inner = live.match.path.reduceRight((acc, key) => (acc ? `${key} { ${acc} }` : key), '');
  return `query($${ENTITY_ID_VARIABLE}: ID!) { entity: ${live.entity}(id: $${ENTITY_ID_VARIABLE}) { ${inner} } }`;
}
