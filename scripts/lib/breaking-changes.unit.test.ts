import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { acknowledged, breakingChanges, checkHistory } from './breaking-changes';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])';
function supergraph(sdl: string): string {
  const result = composeServices([{ name: 'a', url: 'http://a', typeDefs: parse(`${fed}\n${sdl}`) }]);
  if (result.errors) throw result.errors[0];
  return result.supergraphSdl;
}

const v1 = supergraph('type Query { movie(id: ID!): Movie } type Movie @key(fields: "id") { id: ID! title: String! }');
const v2Added = supergraph(
  'type Query { movie(id: ID!): Movie movies: [Movie!]! } type Movie @key(fields: "id") { id: ID! title: String! year: Int }',
);
const v3Removed = supergraph('type Query { movie(id: ID!): Movie } type Movie @key(fields: "id") { id: ID! }');

describe('breaking change check', () => {
  it('lets the API grow', () => {
    expect(breakingChanges(v1, v2Added)).toEqual([]);
  });

  it('reports a removed field of the public API, not federation internals', () => {
    expect(breakingChanges(v1, v3Removed)).toEqual(['FIELD_REMOVED: Movie.title was removed.']);
  });

  it('fails each unacknowledged step of the history and passes acknowledged ones', () => {
    const history = [
      { label: 'c1', text: v1 },
      { label: 'c2', text: v3Removed },
    ];
    expect(checkHistory(history, new Set())).toEqual([
      { from: 'c1', to: 'c2', change: 'FIELD_REMOVED: Movie.title was removed.', acknowledged: false },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'ack-'));
    const file = join(dir, 'ack.json');
    writeFileSync(file, JSON.stringify([{ change: 'FIELD_REMOVED: Movie.title was removed.', reason: 'unused' }]));
    expect(checkHistory(history, acknowledged(file)).every((f) => f.acknowledged)).toBe(true);
  });

  it('does not accept an acknowledgement without a reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ack-'));
    const file = join(dir, 'ack.json');
    writeFileSync(file, JSON.stringify([{ change: 'FIELD_REMOVED: Movie.title was removed.' }]));
    expect(acknowledged(file).size).toBe(0);
  });
});
