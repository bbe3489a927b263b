import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { getOperationAST, getVariableValues, parse } from 'graphql';
import { readCostDirectives } from './cost-directives';
import { CostInputError } from './list-size';
import { compileCost, costOf } from './operation-cost';

// A library graph with every shape the estimate knows, composed as `npm run compose` composes ours.
const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])
  type Query {
    books(first: Int = 10, after: String): [Book!]! @listSize(slicingArguments: ["first"], assumedSize: 50, requireOneSlicingArgument: false)
    shelf(first: Int, last: Int): BookConnection! @listSize(slicingArguments: ["first", "last"], sizedFields: ["edges"])
    search(term: String!): [Book!]! @listSize(assumedSize: 7)
    unsized: [Book!]!
    book(id: ID!): Book
    expensive: Int @cost(weight: 25)
    filtered(filter: Filter, ids: [ID!] @cost(weight: 2)): [Book!]! @listSize(assumedSize: 1)
  }
  type BookConnection { edges: [BookEdge!]!  total: Int }
  type BookEdge { node: Book! }
  type Book @key(fields: "id") {
    id: ID!
    title: String!
    genre: Genre
    author: Author!
    similar(first: Int = 3): [Book!]! @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)
  }
  type Author @cost(weight: 4) { name: String }
  enum Genre { NOVEL POEM }
  input Filter { title: String @cost(weight: 3)  nested: Filter }
  input BookInput { title: String!  tags: [String!] }
  type Mutation { addBook(input: BookInput!): Book! }
`;
const composed = composeServices([{ name: 'library', url: 'http://127.0.0.1:1/graphql', typeDefs: parse(SDL) }]);
if (composed.errors) throw composed.errors[0];
const supergraph = composed.supergraphSdl!;
const schema = Supergraph.build(supergraph, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
const directives = readCostDirectives(supergraph);

/** The estimate as the gateway makes it: compiled once, then evaluated with the coerced variables. */
function cost(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = getOperationAST(document)!;
  const compiled = compileCost(schema, document, operation, directives, { assumedListSize: 30 });
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) throw coerced.errors[0];
  return costOf(compiled, coerced.coerced);
}

describe('the static cost estimate (Apollo Router demand control rules)', () => {
  it('counts objects 1, scalars and enums 0, and a list by its size', () => {
    expect(cost('{ book(id: "1") { id title genre } }')).toBe(1);
    expect(cost('{ books(first: 3) { id title } }')).toBe(3);
  });

  it('reads a slicing argument from a variable once the variables are coerced', () => {
    const query = 'query($n: Int) { books(first: $n) { similar(first: $n) { id } } }';
    expect(cost(query, { n: 100 })).toBe(100 * (1 + 100));
    expect(cost(query, { n: 100 })).toBe(cost('{ books(first: 100) { similar(first: 100) { id } } }'));
    expect(cost(query, { n: 2 })).toBe(2 * (1 + 2));
    // The variable's own default counts as if the client had sent it.
    expect(cost('query($n: Int = 40) { books(first: $n) { id } }')).toBe(40);
  });

  it('counts an absent, null or unset `first` as the argument’s default, else assumedSize, else the gateway’s assumption', () => {
    expect(cost('{ books { id } }')).toBe(10);
    expect(cost('{ books(first: null) { id } }')).toBe(10);
    expect(cost('query($n: Int) { books(first: $n) { id } }')).toBe(10);
    expect(cost('query($n: Int) { books(first: $n) { id } }', { n: null })).toBe(10);
    expect(cost('{ search(term: "x") { id } }')).toBe(7);
    expect(cost('{ unsized { id } }')).toBe(30);
    expect(cost('{ books(first: -5) { id } }')).toBe(0); // the subgraph refuses it; it costs nothing here
  });

  it('multiplies nested lists', () => {
    expect(cost('{ books(first: 4) { similar(first: 5) { similar { id } } } }')).toBe(4 * (1 + 5 * (1 + 3)));
  });

  it('costs a named or inline fragment as the same selection written out', () => {
    const inline = cost('{ books(first: 2) { id author { name } } }');
    expect(cost('{ books(first: 2) { ...B } } fragment B on Book { id author { name } }')).toBe(inline);
    expect(cost('{ books(first: 2) { ... on Book { id author { name } } } }')).toBe(inline);
  });

  it('prices a "billion laughs" document in a moment: each fragment is compiled once and shared', () => {
    const levels = 31;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i + 1 < levels ? `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }` : `fragment F${i} on Query { book(id: $id) @include(if: $on) { id } }`,
    );
    const started = process.hrtime.bigint();
    expect(cost(`query($id: ID!, $on: Boolean!) { ...F0 } ${fragments.join(' ')}`, { id: '1', on: true })).toBe(2 ** 30);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });

  it('applies @cost on fields, types, arguments and input fields', () => {
    expect(cost('{ expensive }')).toBe(25);
    expect(cost('{ books(first: 2) { author { name } } }')).toBe(2 * (1 + 4));
    // filter: an input object 1 + title 3 + nested (1 + 3); ids: the list's 2 plus 2 for each item.
    const literal = cost('{ filtered(filter: { title: "a", nested: { title: "b" } }, ids: ["1", "2"]) { id } }');
    expect(literal).toBe(1 + 8 + 6);
    const query = 'query($f: Filter, $ids: [ID!]) { filtered(filter: $f, ids: $ids) { id } }';
    expect(cost(query, { f: { title: 'a', nested: { title: 'b' } }, ids: ['1', '2'] })).toBe(literal);
    expect(cost(query, { f: null })).toBe(1);
  });

  it('sizes the fields a parent names in sizedFields by the parent’s slicing argument', () => {
    expect(cost('{ shelf(first: 5) { total edges { node { id } } } }')).toBe(1 + 5 * (1 + 1));
    expect(cost('query($n: Int) { shelf(last: $n) { edges { node { id } } } }', { n: 6 })).toBe(1 + 6 * 2);
    expect(() => cost('{ shelf { total } }')).toThrow(CostInputError);
    expect(() => cost('{ shelf(first: 1, last: 2) { total } }')).toThrow(/exactly one of its slicing arguments \(first, last\)/);
  });

  it('starts a mutation at 10 and counts its input object', () => {
    expect(cost('mutation { addBook(input: { title: "x", tags: ["a", "b"] }) { id } }')).toBe(10 + 1 + 1);
    expect(cost('mutation($i: BookInput!) { addBook(input: $i) { id } }', { i: { title: 'x' } })).toBe(12);
  });

  it('leaves out what @skip/@include leave out, from literals or variables', () => {
    expect(cost('{ books @skip(if: true) { id } expensive }')).toBe(25);
    const query = 'query($on: Boolean!) { books @include(if: $on) { id } ... @skip(if: $on) { expensive } }';
    expect([cost(query, { on: true }), cost(query, { on: false })]).toEqual([10, 25]);
  });

  it('costs nothing for __typename and introspection', () => {
    expect(cost('{ __typename books(first: 2) { __typename } }')).toBe(2);
    expect(cost('{ __schema { types { name fields { name type { name ofType { name } } } } } __type(name: "Book") { name } }')).toBe(0);
  });
});
