import { getNamedType, isInputObjectType, isLeafType, isListType, getNullableType, Kind, type GraphQLArgument, type GraphQLInputField, type ValueNode } from 'graphql';
import type { CostDirectives } from './cost-directives';
import { sum, type Part } from './parts';

type InputDefinition = GraphQLArgument | GraphQLInputField;

/**
 * What an argument's value costs, as Apollo Router scores it: an input object 1 (or its @cost) plus
 * its fields, a list the sum of its items (plus any @cost), a null nothing, any other value its
 * @cost or nothing. A value given in a variable is scored from the variable's coerced value, and
 * `read` records which variables the cost depends on.
 */
export function argumentCost(spec: CostDirectives, node: ValueNode, def: InputDefinition | undefined, coordinate: string, read: (name: string) => void): Part {
  if (!def) return 0;
  const named = getNamedType(def.type);
  const own = spec.weights.get(coordinate) ?? spec.weights.get(named.name);
  switch (node.kind) {
    case Kind.NULL:
      return 0;
    case Kind.VARIABLE: {
      // A plain scalar without a weight costs nothing whatever its value: no need to read it.
      if (own === undefined && isLeafType(named) && !isListType(getNullableType(def.type))) return 0;
      const name = node.name.value;
      read(name);
      return (vars) => valueCost(spec, vars[name], def, coordinate);
    }
    case Kind.LIST:
      return sum([own ?? 0, ...node.values.map((item) => argumentCost(spec, item, def, coordinate, read))]);
    case Kind.OBJECT: {
      if (!isInputObjectType(named)) return own ?? 0;
      const fields = named.getFields();
      return sum([own ?? 1, ...node.fields.map((f) => argumentCost(spec, f.value, fields[f.name.value], `${named.name}.${f.name.value}`, read))]);
    }
    default:
      return own ?? 0;
  }
}

/** The same scoring over a coerced JSON value (a variable's). */
function valueCost(spec: CostDirectives, value: unknown, def: InputDefinition, coordinate: string): number {
  if (value === null || value === undefined) return 0;
  const named = getNamedType(def.type);
  const own = spec.weights.get(coordinate) ?? spec.weights.get(named.name);
  if (Array.isArray(value)) {
    let total = own ?? 0;
    for (const item of value) total += valueCost(spec, item, def, coordinate);
    return total;
  }
  if (typeof value === 'object' && isInputObjectType(named)) {
    const fields = named.getFields();
    let total = own ?? 1;
    for (const [key, inner] of Object.entries(value)) {
      const field = fields[key];
      if (field) total += valueCost(spec, inner, field, `${named.name}.${key}`);
    }
    return total;
  }
  return own ?? 0;
}
