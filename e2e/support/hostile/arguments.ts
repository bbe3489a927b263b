import { getNamedType, isInputObjectType, isListType, isNonNullType, type GraphQLArgument, type GraphQLInputType } from 'graphql';
import { anyValueOf, poisonOf, WRONG_TYPES } from './corpus';
import type { Rng } from './prng';

/** How the values of one operation are chosen. */
export interface ValueMode {
  /** Put a value every validator refuses into exactly one leaf (mutations: nothing may change). */
  poison: boolean;
  /** Chance of a value of the wrong type (through a variable, so graphql-js coercion meets it). */
  wrongType: number;
  /** Send every argument as a variable (token mutation must not be able to drop a poison). */
  allVariables: boolean;
}

/** Collects the variable definitions and values of one operation. */
export class Variables {
  readonly definitions: string[] = [];
  readonly values: Record<string, unknown> = {};
  define(type: GraphQLInputType, value: unknown): string {
    const name = `v${this.definitions.length}`;
    this.definitions.push(`$${name}: ${String(type)}`);
    this.values[name] = value;
    return `$${name}`;
  }
}

/** A hostile value for `type`; with `poison`, the one refused value sits in a leaf that must be sent. */
export function valueFor(type: GraphQLInputType, rng: Rng, mode: ValueMode, poison: boolean): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (!poison && rng.chance(mode.wrongType)) return rng.pick(WRONG_TYPES);
  if (isListType(inner)) {
    if (poison) return [valueFor(inner.ofType, rng, mode, true)];
    return Array.from({ length: rng.int(4) }, () => valueFor(inner.ofType, rng, mode, false));
  }
  if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields());
    const required = fields.filter((f) => isNonNullType(f.type));
    const target = poison ? rng.pick(required.length ? required : fields) : undefined;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      if (f === target) out[f.name] = valueFor(f.type, rng, mode, true);
      else if (isNonNullType(f.type) || rng.chance(0.5)) out[f.name] = valueFor(f.type, rng, mode, false);
    }
    return out;
  }
  const scalar = getNamedType(inner)!.name;
  return rng.pick(poison ? poisonOf(scalar) : anyValueOf(scalar));
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** The value as a GraphQL literal, or undefined when GraphQL has no literal for it (then a variable is used). */
export function literal(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (Array.isArray(value)) {
    const items = value.map(literal);
    return items.every((i) => i !== undefined) ? `[${items.join(', ')}]` : undefined;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as object).map(([k, v]) => (NAME.test(k) ? [k, literal(v)] : [k, undefined]));
    return entries.every(([, v]) => v !== undefined) ? `{${entries.map(([k, v]) => `${k}: ${v}`).join(', ')}}` : undefined;
  }
  return undefined;
}

/** `(a: …, b: …)` for a field; required arguments always, optional ones half the time. */
export function argumentsFor(args: readonly GraphQLArgument[], vars: Variables, rng: Rng, mode: ValueMode): string {
  const required = args.filter((a) => isNonNullType(a.type));
  const target = mode.poison ? rng.pick(required.length ? required : args) : undefined;
  const parts: string[] = [];
  for (const arg of args) {
    if (arg !== target && !isNonNullType(arg.type) && !rng.chance(0.5)) continue;
    const value = valueFor(arg.type, rng, mode, arg === target);
    const inline = mode.allVariables || rng.chance(0.5) ? undefined : literal(value);
    parts.push(`${arg.name}: ${inline ?? vars.define(arg.type, value)}`);
  }
  return parts.length ? `(${parts.join(', ')})` : '';
}
