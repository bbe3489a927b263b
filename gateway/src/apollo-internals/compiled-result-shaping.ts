/**
 * @apollo/gateway's last step (resultShaping.js: computeResponse) copies the subgraphs' merged answer
 * into the client's, keeping only what the operation asked for. It re-derives per VALUE what depends
 * only on the operation: @skip/@include (two directive lookups), the response name, the field's type
 * unwrapped level by level, and a `{ updated, isInvalid }` object per value. On the deep query it was
 * ~21% of the gateway's time, before the garbage it leaves.
 *
 * Here the operation's selections are compiled once per operation into plain records (tens of nodes,
 * against the thousands of values they then shape), and the answer is walked with them, in the same
 * order and with the same merging as Apollo's walk. Only answers that shape cleanly take this path:
 * whatever Apollo answers with an error or a null bubbled up (a null non-null field, a bad
 * `__typename`, an invalid leaf, a failed assertion) and fields it answers itself (introspection)
 * make this walk give up, and Apollo's own computeResponse shapes the whole answer instead, so every
 * error keeps Apollo's wording and path. index.ts installs it (GATEWAY_COMPILED_SHAPING, config.ts).
 */
import * as fed from '@apollo/federation-internals';
import { getOwn, type ComputeResponse, type OperationStore } from './apollo-modules';

type Schema = fed.Schema;
type Vars = Record<string, unknown>;

/** A @skip/@include argument: a literal, or the name of the variable that holds it. */
type If = boolean | { variable: string };
interface Condition { skip?: If; include?: If }

type Selection =
  | { kind: 'field'; when?: Condition; name: string; shape: Shape; hasSelections: boolean }
  | { kind: 'typename'; when?: Condition; name: string }
  | { kind: 'fragment'; when?: Condition; on?: fed.CompositeType; selections: Selection[]; applies: Map<string, boolean> };

type Shape =
  | { kind: 'nonNull'; of: Shape }
  | { kind: 'list'; of: Shape }
  | { kind: 'composite'; type: fed.CompositeType; selections: Selection[] }
  | { kind: 'leaf'; valid: (value: unknown) => boolean };

interface Run { schema: Schema; variables: () => Vars }

/** Thrown where Apollo's walk would record an error or bubble a null: its own walk then answers. */
class GiveUp {}
const GIVE_UP = new GiveUp();

// Apollo's answers are null-prototype objects; these are too (an alias named `__proto__` is an own
// key), but with V8's fast shared shapes: JSON.stringify takes its slow path on Object.create(null)
// objects, which V8 keeps in dictionary mode (~3× slower on a 76 KB answer, measured).
function ResultObject() {}
ResultObject.prototype = Object.create(null);
const newObject = () => new (ResultObject as unknown as new () => Record<string, unknown>)();

// Read once: tsx/esbuild compile `fed.x` to a getter call on a namespace copy, and these are read
// per value (the deep query's profile had that getter at ~2% of the gateway's time).
const { typenameFieldName, isCompositeType, isObjectType, isValidLeafValue, isSubtype } = fed;
// Apollo's own reading of an input field (own properties only), as its walk uses it.
const own = getOwn;

function conditionOf(element: fed.Field | fed.FragmentElement, schema: Schema): Condition | undefined {
  const arg = (d: fed.Directive | undefined): If | undefined => {
    if (!d) return undefined;
    const v = (d.arguments() as { if: unknown }).if;
    return v instanceof fed.Variable ? { variable: v.name } : (v as boolean);
  };
  const skip = arg(element.appliedDirectivesOf(schema.skipDirective())[0] as fed.Directive | undefined);
  const include = arg(element.appliedDirectivesOf(schema.includeDirective())[0] as fed.Directive | undefined);
  return skip === undefined && include === undefined ? undefined : { skip, include };
}

function leafCheck(schema: Schema, type: fed.ScalarType | fed.EnumType): (value: unknown) => boolean {
  if (fed.isCustomScalarType(type)) return () => true;
  // Strings are nearly every leaf: decided here as isValidLeafValue would; the rest asks it.
  const enumValues = fed.isEnumType(type) ? new Set(type.values.map((v) => v.name)) : undefined;
  const stringOk = type !== schema.booleanType() && type !== schema.intType() && type !== schema.floatType();
  return (value) => (typeof value === 'string' ? (enumValues ? enumValues.has(value) : stringOk) : isValidLeafValue(schema, value, type));
}

function compileType(schema: Schema, type: fed.Type, set: fed.SelectionSet | undefined): Shape {
  if (fed.isNonNullType(type)) return { kind: 'nonNull', of: compileType(schema, type.ofType, set) };
  if (fed.isListType(type)) return { kind: 'list', of: compileType(schema, type.ofType, set) };
  if (isCompositeType(type)) {
    if (!set) throw GIVE_UP; // Apollo asserts here
    return { kind: 'composite', type, selections: compileSet(schema, set) };
  }
  return { kind: 'leaf', valid: leafCheck(schema, type as fed.ScalarType | fed.EnumType) };
}

function compileSet(schema: Schema, set: fed.SelectionSet): Selection[] {
  return set.selections().map((s): Selection => {
    const when = conditionOf(s.element, schema);
    if (s.kind === 'FieldSelection') {
      const field = s.element;
      if (field.definition.isSchemaIntrospectionField()) throw GIVE_UP; // Apollo executes these itself
      const name = field.responseName();
      if (field.name === typenameFieldName) return { kind: 'typename', when, name };
      return { kind: 'field', when, name, shape: compileType(schema, field.definition.type!, s.selectionSet), hasSelections: !!s.selectionSet };
    }
    return { kind: 'fragment', when, on: s.element.typeCondition, selections: compileSet(schema, s.selectionSet), applies: new Map() };
  });
}

function ifValue(v: If, run: Run): boolean {
  if (typeof v === 'boolean') return v;
  const value = run.variables()[v.variable];
  if (typeof value !== 'boolean') throw GIVE_UP; // Apollo asserts here
  return value;
}

const skipped = (c: Condition, run: Run) =>
  (c.skip !== undefined && ifValue(c.skip, run)) || (c.include !== undefined && !ifValue(c.include, run));

function applies(f: Extract<Selection, { kind: 'fragment' }>, typename: string | undefined, parent: fed.CompositeType, run: Run): boolean {
  if (!f.on) return true;
  const key = typename ?? `\0${parent.name}`; // a type name never starts with NUL
  let yes = f.applies.get(key);
  if (yes === undefined) {
    const type = typename ? run.schema.type(typename) : parent;
    yes = !!type && isSubtype(f.on, type as fed.CompositeType);
    f.applies.set(key, yes);
  }
  return yes;
}

function applySet(selections: Selection[], input: Record<string, unknown>, output: Record<string, unknown>, parent: fed.CompositeType, run: Run): void {
  for (const s of selections) {
    if (s.when && skipped(s.when, run)) continue;
    if (s.kind === 'field') {
      output[s.name] = shapeValue(s.shape, output[s.name], own(input, s.name) ?? null, s.hasSelections, run);
    } else if (s.kind === 'typename') {
      if (output[s.name] !== undefined) continue;
      let value = own(input, s.name) ?? null;
      if (value === null && s.name !== typenameFieldName) value = input[typenameFieldName] ?? null;
      const type = typeof value === 'string' ? (run.schema.type(value) ?? parent) : parent;
      if (!isObjectType(type)) throw GIVE_UP; // Apollo bubbles a null up
      output[s.name] = type.name;
    } else {
      const typename = input[typenameFieldName];
      if (typename && typeof typename !== 'string') throw GIVE_UP;
      if (applies(s, (typename as string) || undefined, parent, run)) applySet(s.selections, input, output, s.on ?? parent, run);
    }
  }
}

function shapeValue(shape: Shape, output: unknown, input: unknown, hasSelections: boolean, run: Run): unknown {
  if (input === undefined) throw GIVE_UP;
  if (output === null || (output !== undefined && !hasSelections)) return output;
  if (shape.kind === 'nonNull') {
    const value = shapeValue(shape.of, output, input, hasSelections, run);
    if (value === null) throw GIVE_UP; // Apollo records "Cannot return null…" and bubbles
    return value;
  }
  if (input === null) return null;
  if (shape.kind === 'list') {
    if (!Array.isArray(input) || (output !== undefined && (!Array.isArray(output) || output.length !== input.length))) throw GIVE_UP;
    const out: unknown[] = [];
    for (let i = 0; i < input.length; i++) out.push(shapeValue(shape.of, output === undefined ? undefined : (output as unknown[])[i], input[i], hasSelections, run));
    return out;
  }
  if (shape.kind === 'composite') {
    if (typeof input !== 'object' || (output !== undefined && typeof output !== 'object')) throw GIVE_UP;
    const typename = (input as Record<string, unknown>)[typenameFieldName];
    let type = shape.type;
    if (typename !== undefined && typeof typename !== 'string') throw GIVE_UP;
    if (typename) {
      const named = run.schema.type(typename);
      if (!named || !isCompositeType(named)) throw GIVE_UP; // Apollo records an invalid __typename
      type = named;
    }
    const out = (output as Record<string, unknown> | undefined) ?? newObject();
    applySet(shape.selections, input as Record<string, unknown>, out, type, run);
    return out;
  }
  if (output !== undefined || !shape.valid(input)) throw GIVE_UP;
  return input;
}

/**
 * One federation Operation per parsed operation and API schema, for the patch's operationFor.
 * Apollo built one per request from the graphql-js AST (1.9% of the gateway's time on distinct deep
 * queries); Apollo Server keeps that AST per document, so it keys a WeakMap. Nothing writes to an
 * Operation once built: the executor reads its variable definitions, the shaping its selections.
 */
export function operationStore(): OperationStore {
  const byNode = new WeakMap<object, { schema: object; operation: fed.Operation }>();
  return (schema, node, build) => {
    const kept = byNode.get(node);
    if (kept?.schema === schema) return kept.operation;
    const operation = build();
    byNode.set(node, { schema, operation });
    return operation;
  };
}

/** The compiled walk, or Apollo's `original` whenever the walk gives up. */
export function compiledComputeResponse(original: ComputeResponse): ComputeResponse {
  // Compiled once per Operation (per operation, with operationStore): GIVE_UP when the operation
  // itself makes the walk give up (introspection), so Apollo's walk answers it at once.
  const compiled = new WeakMap<fed.Operation, Selection[] | GiveUp>();
  const compile = (operation: fed.Operation, schema: Schema) => {
    let selections = compiled.get(operation);
    if (selections === undefined) {
      try {
        selections = compileSet(schema, operation.selectionSet);
      } catch (e) {
        if (e !== GIVE_UP) throw e;
        selections = GIVE_UP;
      }
      compiled.set(operation, selections);
    }
    if (selections instanceof GiveUp) throw GIVE_UP;
    return selections;
  };
  return function computeResponse(args) {
    const { operation, variables, input } = args;
    if (!input) return { data: input, errors: [] };
    try {
      const schema = operation.schema();
      let vars: Vars | undefined;
      const run: Run = { schema, variables: () => (vars ??= { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables }) };
      const data = newObject();
      const root = schema.schemaDefinition.rootType(operation.rootKind)!;
      applySet(compile(operation, schema), input as Record<string, unknown>, data, root, run);
      return { data, errors: [] };
    } catch (e) {
      if (e !== GIVE_UP) throw e;
      return original(args);
    }
  };
}
