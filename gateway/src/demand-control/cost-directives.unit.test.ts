import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { getNullableType, isListType, isObjectType } from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@cinema/subgraph-runtime';
import { readCostDirectives } from './cost-directives';

const LINKS = `schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)`;

describe('reading @cost and @listSize from a supergraph', () => {
  it('finds them under the names the cost link gives them, renamed or not', () => {
    const renamed = readCostDirectives(`
      ${LINKS} @link(url: "https://specs.apollo.dev/cost/v0.1", as: "price", import: [{ name: "@listSize", as: "@size" }]) { query: Query }
      type Query { a: Int @price(weight: 3)  b: [Int] @size(assumedSize: 2)  c: Int @cost(weight: 9)  d(x: Int @price(weight: 4)): Int }
      input I { f: Int @price(weight: 5) }
      enum E @price(weight: 6) { X }`);
    expect(Object.fromEntries(renamed.weights)).toEqual({ 'Query.a': 3, 'Query.d(x:)': 4, 'I.f': 5, E: 6 });
    expect(renamed.listSizes.get('Query.b')).toEqual({ assumedSize: 2, slicingArguments: undefined, sizedFields: undefined, requireOneSlicingArgument: true });

    const namespaced = readCostDirectives(`${LINKS} @link(url: "https://specs.apollo.dev/cost/v0.1") { query: Query }
      type Query { a: [Int] @cost(weight: 1) @cost__listSize(slicingArguments: ["n"], requireOneSlicingArgument: false) }`);
    expect(namespaced.weights.get('Query.a')).toBe(1);
    expect(namespaced.listSizes.get('Query.a')).toMatchObject({ slicingArguments: ['n'], requireOneSlicingArgument: false });
  });

  it('finds nothing in a supergraph that does not link the cost spec', () => {
    const none = readCostDirectives(`${LINKS} { query: Query } type Query { a: [Int] @cost(weight: 3) @listSize(assumedSize: 1) }`);
    expect([none.weights.size, none.listSizes.size]).toEqual([0, 0]);
  });
});

describe('our supergraph bounds every list with the numbers the subgraphs enforce', () => {
  const sdl = readFileSync(join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
  const { listSizes } = readCostDirectives(sdl);
  const schema = Supergraph.build(sdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
  const lists = Object.values(schema.getTypeMap())
    .filter((t) => isObjectType(t) && !t.name.startsWith('__'))
    .flatMap((t) => Object.values((t as import('graphql').GraphQLObjectType).getFields()).map((f) => ({ coordinate: `${t.name}.${f.name}`, field: f })))
    .filter(({ field }) => isListType(getNullableType(field.type)));

  it.each(lists.map((l) => [l.coordinate, l]))('%s has a @listSize', (_, { coordinate, field }) => {
    const size = listSizes.get(coordinate);
    expect(size).toBeDefined();
    const first = field.args.find((a) => a.name === 'first');
    if (!first) return void expect(size!.assumedSize).toBeLessThanOrEqual(MAX_PAGE_SIZE);
    // Paginated: sliced by `first`, whose default is what the resolver uses for an absent one, capped where the subgraph caps it.
    expect(size).toMatchObject({ slicingArguments: ['first'], assumedSize: MAX_PAGE_SIZE });
    expect([DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE]).toContain(first.defaultValue);
  });
});
