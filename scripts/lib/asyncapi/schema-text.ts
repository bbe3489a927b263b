import type { JsonSchema } from './json-schema';

/** JSON Schema as a reader wants it in a table: a short type, and its constraints in words. */

const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;
const code = (s: unknown) => `\`${String(s)}\``;

/** The non-null alternatives of a node, and whether null is allowed. */
export function alternatives(node: JsonSchema): { nullable: boolean; options: JsonSchema[] } {
  if (Array.isArray(node.anyOf)) {
    const options = (node.anyOf as JsonSchema[]).filter((o) => o.type !== 'null');
    return { nullable: options.length < node.anyOf.length, options };
  }
  if (Array.isArray(node.type)) {
    const types = (node.type as string[]).filter((t) => t !== 'null');
    return { nullable: types.length < node.type.length, options: types.map((type) => ({ ...node, type })) };
  }
  return { nullable: false, options: [node] };
}

export function typeText(node: JsonSchema): string {
  const { nullable, options } = alternatives(node);
  const text = options.map(single).join(' \\| ');
  return nullable ? `${text} \\| null` : text;
}

function single(node: JsonSchema): string {
  if ('const' in node) return code(JSON.stringify(node.const));
  if (Array.isArray(node.enum)) return node.enum.map((v) => code(JSON.stringify(v))).join(' \\| ');
  if (node.type === 'array') return `${typeText((node.items ?? {}) as JsonSchema)}[]`;
  if (node.type === 'string' && typeof node.format === 'string') return `string (${node.format})`;
  if (node.type === 'object' && !node.properties) return 'object';
  return typeof node.type === 'string' ? node.type : 'any';
}

export function constraintsText(node: JsonSchema): string {
  const parts: string[] = [];
  for (const option of alternatives(node).options) {
    const range = (min: unknown, max: unknown, unit = '') => {
      const lo = typeof min === 'number' ? min : undefined;
      const hi = typeof max === 'number' && max !== SAFE_INTEGER ? max : undefined;
      if (lo !== undefined && hi !== undefined) parts.push(`${lo}..${hi}${unit}`);
      else if (lo !== undefined) parts.push(`≥ ${lo}${unit}`);
      else if (hi !== undefined) parts.push(`≤ ${hi}${unit}`);
    };
    range(option.minLength, option.maxLength, ' characters');
    range(option.minItems, option.maxItems, ' items');
    if (typeof option.exclusiveMinimum === 'number') parts.push(`> ${option.exclusiveMinimum}`);
    range(option.minimum, option.maximum);
    // A format already says what its (long) generated pattern checks.
    if (typeof option.pattern === 'string' && !option.format) parts.push(`matches ${code(option.pattern)}`);
  }
  return parts.join(', ');
}

/** One row per field of an object schema: name, type, required, constraints, description. */
export function fieldRows(schema: JsonSchema): string[] {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, node]) => {
    const description = String(node.description ?? '').replaceAll('|', '\\|');
    return `| \`${name}\` | ${typeText(node)} | ${required.has(name) ? 'yes' : 'no'} | ${constraintsText(node)} | ${description} |`;
  });
}

export const FIELD_HEADER = ['| field | type | required | constraints | description |', '|---|---|---|---|---|'];
