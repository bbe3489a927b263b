import { Kind, type FieldNode, type GraphQLField } from 'graphql';
import type { ListSize } from './cost-directives';
import type { Part, Variables } from './parts';

/** A client mistake the estimate cannot get past (no slicing argument where exactly one is required). */
export class CostInputError extends Error {}

export interface ExpectedSize {
  size: Part;
  sizedFields?: ReadonlySet<string>;
}

/**
 * The size @listSize gives one selected field: the largest of its slicing arguments, each the value
 * the operation gives (a literal, or a variable's coerced value) or else the argument's default in
 * the schema; with none, `assumedSize`; with neither, the gateway's assumed list size. A negative
 * value counts 0 (the subgraph refuses it anyway). Undefined when the field has no @listSize.
 */
export function listSizeOf(
  listSize: ListSize | undefined,
  def: GraphQLField<unknown, unknown>,
  node: FieldNode,
  coordinate: string,
  read: (name: string) => void,
  assumedListSize: number,
): ExpectedSize | undefined {
  if (!listSize) return undefined;
  const sizedFields = listSize.sizedFields?.length ? new Set(listSize.sizedFields) : undefined;
  const slicing = listSize.slicingArguments ?? [];
  const fallback = listSize.assumedSize ?? assumedListSize;
  if (slicing.length === 0) return { size: fallback, sizedFields };
  const sources = slicing.map((name) => {
    const defaultValue = def.args.find((a) => a.name === name)?.defaultValue;
    return { fallback: typeof defaultValue === 'number' ? defaultValue : undefined, given: node.arguments?.find((a) => a.name.value === name)?.value };
  });
  const size = (vars: Variables | undefined) => {
    let largest: number | undefined;
    let found = 0;
    for (const s of sources) {
      let n = s.fallback;
      if (s.given?.kind === Kind.INT) n = Number(s.given.value);
      else if (s.given?.kind === Kind.VARIABLE && typeof vars?.[s.given.name.value] === 'number') n = vars[s.given.name.value] as number;
      if (n === undefined) continue;
      found++;
      largest = Math.max(largest ?? 0, n, 0);
    }
    if (listSize.requireOneSlicingArgument && found !== 1) {
      throw new CostInputError(`${coordinate} needs exactly one of its slicing arguments (${slicing.join(', ')}), got ${found}`);
    }
    return largest ?? fallback;
  };
  const variables = sources.flatMap((s) => (s.given?.kind === Kind.VARIABLE ? [s.given.name.value] : []));
  if (variables.length === 0) {
    try {
      return { size: size(undefined), sizedFields };
    } catch (err) {
      return { size: () => { throw err; }, sizedFields }; // refused per request, like any other estimate
    }
  }
  variables.forEach(read);
  return { size: (vars) => size(vars), sizedFields };
}
