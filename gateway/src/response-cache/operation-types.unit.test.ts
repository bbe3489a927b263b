import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { EVENTS } from '@cinema/events';
import { isObjectType, parse } from 'graphql';
import { acceptSecurityFeatures } from '../auth/supergraph-security';
import { cacheTags } from './operation-types';
import { CHANGED_BY, FIXED_AT_CREATION, MUTATION_EVENTS, NEVER_CACHED_FIELDS } from './what-events-change';

const raw = readFileSync(join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
const api = Supergraph.build(acceptSecurityFeatures(raw).sdl).apiSchema().toGraphQLJSSchema();
const tags = (q: string) => cacheTags(api, parse(q));

describe('cacheTags: what a response holds, from the operation', () => {
  it('tags a federated query with every type it selects, roots left out', () => {
    expect(tags('{ user(id: "1") { id fullName reviews(first: 2) { id rating movie { id title } } } }')).toEqual(['Movie', 'Review', 'User']);
  });

  it('follows fragments, and counts cities, fixed at creation, as cacheable', () => {
    expect(tags('{ city(id: "1") { ...C } movie(id: "1") { id } } fragment C on City { id name }')).toEqual(['City', 'Movie']);
  });

  it('refuses lists that grow without an event and fields answered from a replica', () => {
    expect(tags('{ cities { id } }')).toBeNull();
    expect(tags('{ catalog(cityId: "1") { id } }')).toBeNull();
    expect(tags('{ city(id: "1") { cinemas { id } } }')).toBeNull();
    expect(tags('{ movie(id: "1") { reviews { authorName } } }')).toBeNull();
    expect(tags('{ movie(id: "1") { screenings { movieTitle } } }')).toBeNull();
    // Upcoming screenings change with the clock.
    expect(tags('{ movie(id: "1") { screenings { id } } }')).toBeNull();
  });

  it('gives the same answer object for the same document (computed once)', () => {
    const doc = parse('{ movies { id } }');
    expect(cacheTags(api, doc)).toBe(cacheTags(api, doc));
  });
});

describe('the eviction map matches the contract and the schema', () => {
  const types = new Set(Object.keys(api.getTypeMap()));

  it('names every event of the contract', () => {
    expect(Object.keys(CHANGED_BY).sort()).toEqual(Object.keys(EVENTS).sort());
  });

  it('names the events of every mutation of the API, and no other', () => {
    expect(Object.keys(MUTATION_EVENTS).sort()).toEqual(Object.keys(api.getMutationType()!.getFields()).sort());
  });

  it('names only types and fields the API has', () => {
    for (const t of [...Object.values(CHANGED_BY).flat(), ...FIXED_AT_CREATION]) expect(types.has(t)).toBe(true);
    for (const f of NEVER_CACHED_FIELDS) {
      const [type, field] = f.split('.') as [string, string];
      expect((api.getType(type) as { getFields?: () => Record<string, unknown> })?.getFields?.()[field]).toBeDefined();
    }
  });

  it('leaves no object type of the API unclassified (a new type must be placed here)', () => {
    const objects = Object.values(api.getTypeMap()).filter((t) => isObjectType(t) && !t.name.startsWith('__') && !['Query', 'Mutation', 'Subscription'].includes(t.name));
    const classified = new Set([...Object.values(CHANGED_BY).flat(), ...FIXED_AT_CREATION]);
    expect(objects.map((t) => t.name).filter((n) => !classified.has(n))).toEqual([]);
  });
});
