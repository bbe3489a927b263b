import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { argumentCost } from './argument-cost';
import type { CostDirectives } from './cost-directives';
import { listSizeOf } from './list-size';
import { shared, sum, times, unless, valueOf, type Part, type Variables } from './parts';

/** An operation's cost as a function of its variables, and the variables it depends on. */
export interface CompiledCost {
  cost: Part;
  variables: ReadonlySet<string>;
}

export interface CostOptions {
  /** The size counted for a list that neither @listSize nor a slicing argument sizes. */
  assumedListSize: number;
}

/** A parent's @listSize sizes these child fields (`sizedFields`, e.g. a connection's `edges`). */
interface Sized {
  fields: ReadonlySet<string>;
  size: Part;
}

/**
 * Compiles Apollo Router's static cost estimate of one operation, once per document: every object
 * (or interface, union) counts 1, scalars and enums 0, a list multiplies its items' cost by its size
 * (@listSize: the largest slicing argument given, else the argument's default, else assumedSize),
 * @cost(weight:) replaces a field's or type's cost, arguments add what their values cost, and a
 * mutation starts at 10. Introspection fields cost nothing; skipped selections neither.
 */
export function compileCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, spec: CostDirectives, o: CostOptions): CompiledCost {
  const variables = new Set<string>();
  const read = (name: string) => variables.add(name);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // Per sizing context, each fragment is compiled once and shared wherever it is spread.
  const compiledFragments = new Map<Sized | undefined, Map<string, Part>>();

  const skipped = (directives: readonly DirectiveNode[] = []): boolean | ((vars: Variables) => boolean) => {
    const tests: Array<(vars: Variables) => boolean> = [];
    for (const d of directives) {
      if (d.name.value !== 'skip' && d.name.value !== 'include') continue;
      const condition = d.arguments?.find((a) => a.name.value === 'if')?.value;
      const skipWhen = d.name.value === 'skip';
      if (condition?.kind === Kind.BOOLEAN) {
        if (condition.value === skipWhen) return true;
      } else if (condition?.kind === Kind.VARIABLE) {
        const name = condition.name.value;
        read(name);
        tests.push((vars) => vars[name] === skipWhen);
      }
    }
    return tests.length === 0 ? false : (vars) => tests.some((t) => t(vars));
  };

  const field = (node: FieldNode, parent: GraphQLCompositeType, sized: Sized | undefined): Part => {
    const name = node.name.value;
    const def: GraphQLField<unknown, unknown> | undefined = name.startsWith('__') || !('getFields' in parent) ? undefined : parent.getFields()[name];
    if (!def) return 0; // __typename and introspection; anything else validation has refused
    const coordinate = `${parent.name}.${name}`;
    const named = getNamedType(def.type);
    const expected = listSizeOf(spec.listSizes.get(coordinate), def, node, coordinate, read, o.assumedListSize);
    const count = !isListType(getNullableType(def.type)) ? 1 : sized?.fields.has(name) ? sized.size : (expected?.size ?? o.assumedListSize);
    const weight = spec.weights.get(coordinate) ?? spec.weights.get(named.name) ?? (isCompositeType(named) ? 1 : 0);
    const sizes = expected?.sizedFields ? { fields: expected.sizedFields, size: expected.size } : undefined;
    const children = node.selectionSet && isCompositeType(named) ? selections(node.selectionSet, named, sizes) : 0;
    const args = (node.arguments ?? []).map((a) =>
      argumentCost(spec, a.value, def.args.find((d) => d.name === a.name.value), `${coordinate}(${a.name.value}:)`, read),
    );
    // A size that reads variables is checked even where nothing uses it (a connection whose `edges`
    // are not selected): a missing slicing argument is refused whatever the selection, as Router does.
    const check = typeof expected?.size === 'function' ? (vars: Variables) => (valueOf(expected.size, vars), 0) : 0;
    return unless(skipped(node.directives), sum([times(count, sum([weight, children])), ...args, check]));
  };

  const fragment = (name: string, sized: Sized | undefined): Part => {
    let compiled = compiledFragments.get(sized);
    if (!compiled) compiledFragments.set(sized, (compiled = new Map()));
    const known = compiled.get(name);
    if (known !== undefined) return known;
    const def = fragments.get(name);
    const type = def && schema.getType(def.typeCondition.name.value);
    compiled.set(name, 0); // a cycle (validation refuses them) would end here, not loop
    const part = def && type && isCompositeType(type) ? shared(selections(def.selectionSet, type, sized)) : 0;
    compiled.set(name, part);
    return part;
  };

  const selections = (set: SelectionSetNode, parent: GraphQLCompositeType, sized: Sized | undefined): Part =>
    sum(
      set.selections.map((s) => {
        if (s.kind === Kind.FIELD) return field(s, parent, sized);
        if (s.kind === Kind.FRAGMENT_SPREAD) return unless(skipped(s.directives), fragment(s.name.value, sized));
        const type = s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent;
        return unless(skipped(s.directives), type && isCompositeType(type) ? selections(s.selectionSet, type, sized) : 0);
      }),
    );

  const root = schema.getRootType(operation.operation);
  const base = operation.operation === 'mutation' ? 10 : 0;
  return { cost: root ? sum([base, selections(operation.selectionSet, root, undefined)]) : base, variables };
}

export const costOf = (compiled: CompiledCost, vars: Variables) => valueOf(compiled.cost, vars);
