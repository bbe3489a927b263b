import { getNamedType, isLeafType, isObjectType, type GraphQLField, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { argumentsFor, Variables, type ValueMode } from './arguments';
import type { Rng } from './prng';

/** What a case stresses most; the summary counts outcomes per focus. */
export const FOCI = ['injection', 'wrong-variable-types', 'deep-nesting', 'alias-flood', 'directive-flood', 'fragments', 'mutation-poison'] as const;
export type Focus = (typeof FOCI)[number];

export interface GeneratedOperation {
  focus: Focus;
  mutation: boolean;
  query: string;
  variables: Record<string, unknown>;
}

interface Shape {
  maxDepth: number;
  aliasChance: number;
  directiveChance: number;
  fragmentChance: number;
}

const SHAPES: Record<Focus, Shape> = {
  injection: { maxDepth: 3, aliasChance: 0.1, directiveChance: 0.05, fragmentChance: 0.1 },
  'wrong-variable-types': { maxDepth: 2, aliasChance: 0.1, directiveChance: 0.1, fragmentChance: 0.1 },
  'deep-nesting': { maxDepth: 30, aliasChance: 0, directiveChance: 0, fragmentChance: 0.1 },
  'alias-flood': { maxDepth: 2, aliasChance: 1, directiveChance: 0, fragmentChance: 0 },
  'directive-flood': { maxDepth: 2, aliasChance: 0, directiveChance: 1, fragmentChance: 0 },
  fragments: { maxDepth: 5, aliasChance: 0.1, directiveChance: 0.1, fragmentChance: 0.9 },
  'mutation-poison': { maxDepth: 2, aliasChance: 0.1, directiveChance: 0.05, fragmentChance: 0.1 },
};

/** Builds one operation from the gateway's API schema: random root fields, hostile arguments, random selections. */
export function generateOperation(schema: GraphQLSchema, rng: Rng, focus: Focus, allVariables = false): GeneratedOperation {
  const mutation = focus === 'mutation-poison';
  const root = (mutation ? schema.getMutationType() : schema.getQueryType())!;
  const shape = SHAPES[focus];
  const vars = new Variables();
  const fragments: string[] = [];
  const mode: ValueMode = { poison: false, wrongType: focus === 'wrong-variable-types' ? 0.7 : 0, allVariables };
  // Unknown directives only where directives are the attack: elsewhere they would stop the case at validation.
  const directiveNames = focus === 'directive-flood' ? ['include', 'skip', 'deprecated', 'nope'] : ['include', 'skip'];
  // Distinct fields per selection, so injected arguments are not refused as merely conflicting.
  const distinct = <T>(items: T[]) => [...new Set(items)];
  let aliasCount = 0;

  const directives = () => {
    if (!rng.chance(shape.directiveChance)) return '';
    const n = focus === 'directive-flood' ? 10 + rng.int(200) : 1;
    return Array.from({ length: n }, () => {
      const name = rng.pick(directiveNames);
      const cond = rng.chance(0.5) ? rng.pick(['true', 'false', '"true"', 'null', '1']) : vars.define(rng.pick([schema.getType('Boolean')!, schema.getType('String')!]) as never, rng.pick([true, 'yes', null, { $ne: false }]));
      return ` @${name}(if: ${cond})`;
    }).join('');
  };

  const selection = (type: GraphQLObjectType, depth: number): string => {
    const fields = Object.values(type.getFields());
    const count = 1 + rng.int(focus === 'alias-flood' ? 3 : 4);
    const body = distinct(Array.from({ length: count }, () => rng.pick(fields)))
      .map((f) => field(f, depth))
      .join(' ');
    if (rng.chance(shape.fragmentChance)) {
      if (rng.chance(0.5)) return `... on ${type.name}${directives()} { ${body} }`;
      const name = `F${fragments.length}`;
      fragments.push(`fragment ${name} on ${type.name} { ${body} }`);
      return `...${name}`;
    }
    return body;
  };

  const field = (f: GraphQLField<unknown, unknown>, depth: number): string => {
    const copies = focus === 'alias-flood' ? 1 + rng.int(12) : 1;
    const named = getNamedType(f.type);
    const args = argumentsFor(f.args, vars, rng, mode);
    const sub = isLeafType(named) ? '' : isObjectType(named) && depth < shape.maxDepth ? ` { ${selection(named, depth + 1)} }` : ' { __typename }';
    return Array.from({ length: copies }, () => {
      const alias = rng.chance(shape.aliasChance) ? `a${aliasCount++}: ` : '';
      return `${alias}${f.name}${args}${directives()}${sub}`;
    }).join(' ');
  };

  const rootFields = Object.values(root.getFields());
  const picked = distinct(Array.from({ length: 1 + rng.int(mutation ? 2 : 3) }, () => rng.pick(rootFields)));
  const top = picked.map((f) => {
    // Mutations: every root field carries one refused value, so none of them can write.
    const rootMode = mutation ? { ...mode, poison: true, allVariables: mode.allVariables } : mode;
    const args = argumentsFor(f.args, vars, rng, rootMode);
    const named = getNamedType(f.type);
    const sub = isObjectType(named) ? ` { ${selection(named, 1)} }` : '';
    const alias = rng.chance(shape.aliasChance) ? `a${aliasCount++}: ` : '';
    return `${alias}${f.name}${args}${sub}`;
  });
  const head = `${mutation ? 'mutation' : 'query'} Fuzz${vars.definitions.length ? `(${vars.definitions.join(', ')})` : ''}`;
  return { focus, mutation, query: [`${head} { ${top.join(' ')} }`, ...fragments].join('\n'), variables: vars.values };
}
