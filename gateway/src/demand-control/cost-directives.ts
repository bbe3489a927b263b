import {
  Kind,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type NameNode,
} from 'graphql';

/** Federation's @listSize (https://specs.apollo.dev/cost/v0.1) on one field. */
export interface ListSize {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
  requireOneSlicingArgument: boolean;
}

/**
 * What the supergraph says about cost, by schema coordinate: `@cost(weight:)` on `Type`,
 * `Type.field`, `Type.field(arg:)` or `Input.field`, and `@listSize` on `Type.field`.
 */
export interface CostDirectives {
  weights: Map<string, number>;
  listSizes: Map<string, ListSize>;
}

const COST_SPEC = /^https:\/\/specs\.apollo\.dev\/cost\/v\d+\.\d+$/;

/** Where @cost and @listSize may appear: types (and their extensions) with or without fields. */
const TYPE_KINDS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION, Kind.OBJECT_TYPE_EXTENSION, Kind.INTERFACE_TYPE_DEFINITION, Kind.INTERFACE_TYPE_EXTENSION,
  Kind.INPUT_OBJECT_TYPE_DEFINITION, Kind.INPUT_OBJECT_TYPE_EXTENSION, Kind.SCALAR_TYPE_DEFINITION, Kind.SCALAR_TYPE_EXTENSION,
  Kind.ENUM_TYPE_DEFINITION, Kind.ENUM_TYPE_EXTENSION,
]);
interface TypeNode {
  name: NameNode;
  directives?: readonly ConstDirectiveNode[];
  fields?: ReadonlyArray<FieldDefinitionNode | InputValueDefinitionNode>;
}

const arg = (d: ConstDirectiveNode, name: string): unknown => {
  const v = d.arguments?.find((a) => a.name.value === name)?.value;
  return v && valueFromASTUntyped(v);
};

/**
 * The names the two directives have in this supergraph, as the link spec gives them: an import
 * (`"@listSize"` or `{ name: "@listSize", as: "@size" }`) names it; otherwise `@cost` is the
 * feature's own name (`as:` renames it) and `@listSize` is namespaced (`@cost__listSize`).
 */
function directiveNames(doc: DocumentNode): { cost: string; listSize: string } | undefined {
  for (const def of doc.definitions) {
    if (def.kind !== Kind.SCHEMA_DEFINITION && def.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of def.directives ?? []) {
      const url = arg(link, 'url');
      if (link.name.value !== 'link' || typeof url !== 'string' || !COST_SPEC.test(url)) continue;
      const namespace = (arg(link, 'as') as string | undefined) ?? 'cost';
      const imported = new Map<string, string>();
      for (const entry of (arg(link, 'import') as unknown[] | undefined) ?? []) {
        const { name, as = name } = typeof entry === 'string' ? { name: entry } : (entry as { name: string; as?: string });
        imported.set(name.replace(/^@/, ''), as.replace(/^@/, ''));
      }
      return { cost: imported.get('cost') ?? namespace, listSize: imported.get('listSize') ?? `${namespace}__listSize` };
    }
  }
  return undefined;
}

/** Reads the cost directives of a composed supergraph; none at all when it does not link the cost spec. */
export function readCostDirectives(supergraph: string | DocumentNode): CostDirectives {
  const doc = typeof supergraph === 'string' ? parse(supergraph) : supergraph;
  const found: CostDirectives = { weights: new Map(), listSizes: new Map() };
  const names = directiveNames(doc);
  if (!names) return found;
  const weigh = (coordinate: string, directives: readonly ConstDirectiveNode[] = []) => {
    const cost = directives.find((d) => d.name.value === names.cost);
    const weight = cost && Number(arg(cost, 'weight'));
    if (weight !== undefined && Number.isFinite(weight)) found.weights.set(coordinate, weight);
  };
  for (const def of doc.definitions) {
    if (!TYPE_KINDS.has(def.kind)) continue;
    const type = def as TypeNode;
    weigh(type.name.value, type.directives);
    for (const field of type.fields ?? []) {
      const coordinate = `${type.name.value}.${field.name.value}`;
      weigh(coordinate, field.directives);
      for (const a of ('arguments' in field && field.arguments) || []) weigh(`${coordinate}(${a.name.value}:)`, a.directives);
      const listSize = field.directives?.find((d) => d.name.value === names.listSize);
      if (!listSize) continue;
      const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
      found.listSizes.set(coordinate, {
        assumedSize: typeof arg(listSize, 'assumedSize') === 'number' ? (arg(listSize, 'assumedSize') as number) : undefined,
        slicingArguments: strings(arg(listSize, 'slicingArguments')),
        sizedFields: strings(arg(listSize, 'sizedFields')),
        requireOneSlicingArgument: arg(listSize, 'requireOneSlicingArgument') !== false,
      });
    }
  }
  return found;
}
