import {
  Kind,
  getNamedType,
  isAbstractType,
  isObjectType,
  isInterfaceType,
  type ConstDirectiveNode,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Identity } from './identity';

/**
 * The access rules a schema declares with Federation's @authenticated and @requiresScopes, read from
 * its SDL (a subgraph's own, or the composed supergraph, where they survive composition), keyed by
 * schema coordinate: "Type.field" for a field, "Type" for every field returning that type.
 */
export interface Requirement {
  authenticated: boolean;
  /** Any one inner list, all of its scopes (the directive's OR of ANDs); empty = no scope needed. */
  anyOf: string[][];
}
export type Policy = Map<string, Requirement>;

export interface Violation {
  coordinate: string;
  path: string;
  missing: 'identity' | 'scope';
  requirement: Requirement;
}

const argValue = (d: ConstDirectiveNode | DirectiveNode, name: string) => d.arguments?.find((a) => a.name.value === name)?.value;

/** The local names of the two directives: a `@link` may rename them with `as` (or an import object). */
function directiveNames(doc: DocumentNode) {
  const names = { authenticated: 'authenticated', requiresScopes: 'requiresScopes' };
  for (const def of doc.definitions) {
    if (def.kind !== Kind.SCHEMA_DEFINITION && def.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const d of def.directives ?? []) {
      const url = argValue(d, 'url');
      const as = argValue(d, 'as');
      if (d.name.value !== 'link' || url?.kind !== Kind.STRING) continue;
      for (const key of ['authenticated', 'requiresScopes'] as const) {
        if (url.value.includes(`/${key}/v`) && as?.kind === Kind.STRING) names[key] = as.value.replace(/^@/, '');
      }
      const imports = argValue(d, 'import');
      if (imports?.kind !== Kind.LIST) continue;
      for (const item of imports.values) {
        if (item.kind !== Kind.OBJECT) continue;
        const field = (n: string) => item.fields.find((f) => f.name.value === n)?.value;
        const name = field('name');
        const alias = field('as');
        for (const key of ['authenticated', 'requiresScopes'] as const) {
          if (name?.kind === Kind.STRING && name.value === `@${key}` && alias?.kind === Kind.STRING) names[key] = alias.value.replace(/^@/, '');
        }
      }
    }
  }
  return names;
}

function requirementOf(directives: readonly DirectiveNode[] | undefined, names: ReturnType<typeof directiveNames>) {
  const requirement: Requirement = { authenticated: false, anyOf: [] };
  for (const d of directives ?? []) {
    if (d.name.value === names.authenticated) requirement.authenticated = true;
    if (d.name.value !== names.requiresScopes) continue;
    const scopes = argValue(d, 'scopes');
    if (scopes?.kind !== Kind.LIST) continue;
    requirement.authenticated = true;
    for (const group of scopes.values) {
      if (group.kind !== Kind.LIST) continue;
      requirement.anyOf.push(group.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])));
    }
  }
  return requirement.authenticated ? requirement : undefined;
}

export function policyFromSdl(doc: DocumentNode): Policy {
  const names = directiveNames(doc);
  const policy: Policy = new Map();
  const add = (coordinate: string, r: Requirement | undefined) => {
    if (!r) return;
    const prev = policy.get(coordinate);
    // The same type may be declared and extended: its requirements add up.
    policy.set(coordinate, prev ? { authenticated: true, anyOf: [...prev.anyOf, ...r.anyOf] } : r);
  };
  for (const def of doc.definitions) {
    if (!('name' in def) || !def.name || !('directives' in def)) continue;
    const type = def.name.value;
    if (def.kind === Kind.DIRECTIVE_DEFINITION) continue;
    add(type, requirementOf(def.directives, names));
    if ('fields' in def) for (const f of def.fields ?? []) add(`${type}.${f.name.value}`, requirementOf(f.directives, names));
  }
  return policy;
}

const satisfied = (r: Requirement, identity: Identity | null) =>
  identity !== null && (r.anyOf.length === 0 || r.anyOf.some((all) => all.every((s) => identity.scopes.includes(s))));

/** Every field of the operation (fragments included) that this identity may not select. */
export function violations(
  policy: Policy,
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  identity: Identity | null,
): Violation[] {
  if (policy.size === 0) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  // One violation per coordinate: a document repeating a field through fragments must not grow the
  // refusal (a few kB of fragments could otherwise produce a megabyte of error).
  const found = new Map<string, Violation>();
  const check = (coordinate: string, path: string) => {
    const r = policy.get(coordinate);
    if (r && !satisfied(r, identity) && !found.has(coordinate)) found.set(coordinate, { coordinate, path, missing: identity ? 'scope' : 'identity', requirement: r });
  };
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, path: string, seen: Set<string>) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        // A type condition selects that type: its own type-level requirement applies.
        if (cond && sel.typeCondition) check(cond.name, path);
        if (cond) walk(sel.selectionSet, cond as GraphQLCompositeType, path, seen);
      } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        const cond = frag && schema.getType(frag.typeCondition.name.value);
        if (cond) check(cond.name, path);
        // A fragment cannot spread itself (validation), but guard anyway: this runs on hostile input.
        if (frag && cond && !seen.has(frag.name.value)) walk(frag.selectionSet, cond as GraphQLCompositeType, path, new Set(seen).add(frag.name.value));
      } else {
        const name = sel.name.value;
        if (name.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) continue;
        const field = parent.getFields()[name];
        if (!field) continue;
        const at = path ? `${path}.${sel.alias?.value ?? name}` : (sel.alias?.value ?? name);
        // On an interface, a field is as protected as its most protected implementation.
        const owners = isAbstractType(parent) ? [parent, ...schema.getPossibleTypes(parent)] : [parent];
        for (const owner of owners) check(`${owner.name}.${name}`, at);
        const returned = getNamedType(field.type);
        check(returned.name, at);
        // Behind an interface or union, any possible type may come back: each one's requirement applies.
        if (isAbstractType(returned)) for (const t of schema.getPossibleTypes(returned)) check(t.name, at);
        if (sel.selectionSet) walk(sel.selectionSet, returned as GraphQLCompositeType, at, seen);
      }
    }
  };
  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root, '', new Set());
  return [...found.values()];
}
