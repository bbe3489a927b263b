import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { acknowledged, checkHistory } from '../breaking-changes';
import { toYaml } from './catalog';
import { buildAsyncApi } from './document';
import { jsonSchemaOf } from './json-schema';
import { eventBreakingChanges } from './payload-changes';

const id = z.string().regex(/^[0-9a-f]{24}$/);
const v1 = z.object({ id, title: z.string().min(1), rating: z.number().int().min(1).max(5), tags: z.array(z.string()), state: z.enum(['on', 'off']), note: z.string().nullable() });

/** A document whose only event schemas are the ones given (the rest of the real document kept). */
function doc(schemas: Record<string, z.ZodType>): string {
  const d = buildAsyncApi();
  for (const key of Object.keys(d.components.schemas)) if (/\.v\d+$/.test(key)) delete d.components.schemas[key];
  for (const [key, schema] of Object.entries(schemas)) d.components.schemas[key] = jsonSchemaOf(schema);
  return toYaml(d);
}
const changes = (before: z.ZodType, after: z.ZodType) => eventBreakingChanges(doc({ 'movie.updated.v1': before }), doc({ 'movie.updated.v1': after }));

describe('breaking changes of event payloads', () => {
  it('lets a schemaVersion gain optional fields and descriptions, and nothing of the real document changes', () => {
    expect(changes(v1, v1.extend({ subtitle: z.string().optional(), title: z.string().min(1).describe('The title') }))).toEqual([]);
    expect(eventBreakingChanges(toYaml(buildAsyncApi()), toYaml(buildAsyncApi()))).toEqual([]);
  });

  it('reports removed fields, new required fields and fields made optional', () => {
    expect(changes(v1, v1.omit({ title: true }).extend({ year: z.number(), rating: v1.shape.rating.optional() }))).toEqual([
      'FIELD_REMOVED: movie.updated (schemaVersion 1) data.title was removed.',
      'FIELD_MADE_OPTIONAL: movie.updated (schemaVersion 1) data.rating is no longer required.',
      'REQUIRED_FIELD_ADDED: movie.updated (schemaVersion 1) data.year was added as required.',
    ]);
  });

  it('reports narrowed and widened types both ways, since old and new messages meet in the same queues', () => {
    expect(changes(v1, v1.extend({ rating: z.number().int().min(2).max(5), state: z.enum(['on']), note: z.string() }))).toEqual([
      'CONSTRAINT_NARROWED: movie.updated (schemaVersion 1) data.rating minimum 1 → 2.',
      'ENUM_VALUE_REMOVED: movie.updated (schemaVersion 1) data.state no longer allows "off".',
      'NULL_REMOVED: movie.updated (schemaVersion 1) data.note may no longer be null.',
    ]);
    expect(changes(v1, v1.extend({ title: z.string(), state: z.enum(['on', 'off', 'paused']), tags: z.array(z.number()) }))).toEqual([
      'CONSTRAINT_WIDENED: movie.updated (schemaVersion 1) data.title minLength 1 → none.',
      'TYPE_CHANGED: movie.updated (schemaVersion 1) data.tags[] changed from string to number.',
      'ENUM_VALUE_ADDED: movie.updated (schemaVersion 1) data.state now allows "paused".',
    ]);
  });

  it('compares nothing across schemaVersions, and reports a schema that goes without a successor', () => {
    const other = z.object({ id });
    expect(eventBreakingChanges(doc({ 'movie.updated.v1': v1 }), doc({ 'movie.updated.v2': other }))).toEqual([]);
    expect(eventBreakingChanges(doc({ 'movie.updated.v1': v1 }), doc({}))).toEqual([
      'SCHEMA_REMOVED: movie.updated (schemaVersion 1) is gone (no later schemaVersion replaces it).',
    ]);
  });

  it('fails a step of the history until the change is acknowledged with a reason', () => {
    const history = [
      { label: 'c1', text: doc({ 'movie.updated.v1': v1 }) },
      { label: 'c2', text: doc({ 'movie.updated.v1': v1.omit({ note: true }) }) },
    ];
    const change = 'FIELD_REMOVED: movie.updated (schemaVersion 1) data.note was removed.';
    expect(checkHistory(history, new Set(), eventBreakingChanges)).toEqual([{ from: 'c1', to: 'c2', change, acknowledged: false }]);
    const file = join(mkdtempSync(join(tmpdir(), 'event-ack-')), 'ack.json');
    writeFileSync(file, JSON.stringify([{ change, reason: 'no consumer reads it' }]));
    expect(checkHistory(history, acknowledged(file), eventBreakingChanges)).toEqual([{ from: 'c1', to: 'c2', change, acknowledged: true }]);
  });
});
