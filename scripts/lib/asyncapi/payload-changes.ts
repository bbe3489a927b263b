import { join } from 'node:path';
import YAML from 'yaml';
import { SCHEMA_DIR } from '../supergraph';
import type { JsonSchema } from './json-schema';
import { alternatives, typeText } from './schema-text';

export const EVENT_ACK_PATH = join(SCHEMA_DIR, 'event-breaking-changes.json');

/**
 * Breaking changes between two versions of the AsyncAPI document, schema by schema
 * (`components.schemas`: the envelope, each event's data as `<type>.v<schemaVersion>`, the resync
 * messages). Within one schemaVersion both sides must keep understanding each other: a consumer
 * built on the new schema reads messages already in queues, outboxes and dead-letter queues, and a
 * consumer not yet deployed reads the new producer's. So a schema may only gain optional fields
 * (and descriptions); anything else is reported: a removed field, a field made required or
 * optional, a changed type, null or an enum value added or removed, a bound moved either way.
 * A new schemaVersion is a new schema, compared with nothing; the one it replaces may go.
 */
export function eventBreakingChanges(beforeYaml: string, afterYaml: string): string[] {
  const before = schemasOf(beforeYaml);
  const after = schemasOf(afterYaml);
  const out: string[] = [];
  for (const [key, old] of Object.entries(before)) {
    const now = after[key];
    if (now) compare(out, subject(key), pathRoot(key), old, now);
    else if (!superseded(key, Object.keys(after))) out.push(`SCHEMA_REMOVED: ${subject(key)} is gone (no later schemaVersion replaces it).`);
  }
  return out;
}

const schemasOf = (yaml: string) => ((YAML.parse(yaml) as { components?: { schemas?: Record<string, JsonSchema> } })?.components?.schemas ?? {});
const versioned = (key: string) => /^(.+)\.v(\d+)$/.exec(key);
const subject = (key: string) => {
  const m = versioned(key);
  return m ? `${m[1]} (schemaVersion ${m[2]})` : key;
};
const pathRoot = (key: string) => (versioned(key) ? 'data' : key === 'Envelope' ? 'envelope' : '(root)');
function superseded(key: string, keys: string[]): boolean {
  const m = versioned(key);
  return !!m && keys.some((k) => versioned(k)?.[1] === m[1] && Number(versioned(k)![2]) > Number(m[2]));
}

const LOWER = ['minLength', 'minItems', 'minimum', 'exclusiveMinimum'];
const UPPER = ['maxLength', 'maxItems', 'maximum', 'exclusiveMaximum'];
const EXACT = ['format', 'pattern', 'multipleOf', 'uniqueItems', 'additionalProperties', 'const'];
const json = (v: unknown) => JSON.stringify(v);

function compare(out: string[], who: string, path: string, a: JsonSchema, b: JsonSchema) {
  const say = (kind: string, what: string) => out.push(`${kind}: ${who} ${path} ${what}.`);
  const [A, B] = [alternatives(a), alternatives(b)];
  if (A.nullable && !B.nullable) say('NULL_REMOVED', 'may no longer be null');
  if (!A.nullable && B.nullable) say('NULL_ADDED', 'may now be null');
  const [x, y] = [A.options[0], B.options[0]];
  if (A.options.length !== 1 || B.options.length !== 1 || !x || !y || x.type !== y.type) {
    if (typeText(a) !== typeText(b) || json(A.options) !== json(B.options)) say('TYPE_CHANGED', `changed from ${typeText(a)} to ${typeText(b)}`);
    return;
  }
  if (Array.isArray(x.enum) || Array.isArray(y.enum)) {
    const [ea, eb] = [(x.enum ?? []) as unknown[], (y.enum ?? []) as unknown[]];
    for (const v of ea.filter((v) => !eb.includes(v))) say('ENUM_VALUE_REMOVED', `no longer allows ${json(v)}`);
    for (const v of eb.filter((v) => !ea.includes(v))) say('ENUM_VALUE_ADDED', `now allows ${json(v)}`);
  }
  for (const k of [...LOWER, ...UPPER]) {
    const [va, vb] = [x[k] as number | undefined, y[k] as number | undefined];
    if (va === vb) continue;
    const narrower = va === undefined || (vb !== undefined && (LOWER.includes(k) ? vb > va : vb < va));
    say(narrower ? 'CONSTRAINT_NARROWED' : 'CONSTRAINT_WIDENED', `${k} ${va ?? 'none'} → ${vb ?? 'none'}`);
  }
  for (const k of EXACT) if (json(x[k]) !== json(y[k])) say('CONSTRAINT_CHANGED', `${k} ${json(x[k]) ?? 'none'} → ${json(y[k]) ?? 'none'}`);
  if (x.items || y.items) compare(out, who, `${path}[]`, (x.items ?? {}) as JsonSchema, (y.items ?? {}) as JsonSchema);
  if (x.properties || y.properties) compareFields(out, who, path, x, y);
}

function compareFields(out: string[], who: string, path: string, a: JsonSchema, b: JsonSchema) {
  const [pa, pb] = [(a.properties ?? {}) as Record<string, JsonSchema>, (b.properties ?? {}) as Record<string, JsonSchema>];
  const [ra, rb] = [new Set((a.required ?? []) as string[]), new Set((b.required ?? []) as string[])];
  const say = (kind: string, field: string, what: string) => out.push(`${kind}: ${who} ${path}.${field} ${what}.`);
  for (const field of Object.keys(pa)) {
    if (!pb[field]) say('FIELD_REMOVED', field, 'was removed');
    else {
      if (ra.has(field) && !rb.has(field)) say('FIELD_MADE_OPTIONAL', field, 'is no longer required');
      if (!ra.has(field) && rb.has(field)) say('FIELD_MADE_REQUIRED', field, 'is now required');
      compare(out, who, `${path}.${field}`, pa[field]!, pb[field]!);
    }
  }
  for (const field of Object.keys(pb)) if (!pa[field] && rb.has(field)) say('REQUIRED_FIELD_ADDED', field, 'was added as required');
}
