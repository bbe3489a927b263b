import { buildSchema, operationFromDocument } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { compiledComputeResponse, operationStore } from './compiled-result-shaping';
import { resultShaping } from './apollo-modules';

// Apollo's own (the patch adds a seam beside it and never replaces it).
const apolloComputeResponse = resultShaping().computeResponse;

const schema = buildSchema(`
  scalar JSON
  enum Genre { DRAMA COMEDY }
  interface Node { id: ID! }
  type Movie implements Node { id: ID! title: String genre: Genre reviews: [Review!]! rating: Float year: Int meta: JSON }
  type Review implements Node { id: ID! body: String! author: User }
  type User implements Node { id: ID! name: String friends: [User] }
  union Result = Movie | User
  type Query { movie(id: ID!): Movie movies: [Movie!]! node(id: ID!): Node search: [Result!]! me: User! }
`);

type Input = Record<string, unknown>;
/** Apollo's walk, and ours with a spy on the fallback: both answers, and whether ours gave up. */
function both(query: string, input: Input, variables?: Record<string, unknown>) {
  const operation = () => operationFromDocument(schema, parse(query), { validate: true });
  const introspectionHandling = jest.fn(() => ({ introspected: true }));
  const expected = apolloComputeResponse({ operation: operation(), variables, input, introspectionHandling });
  const fallback = jest.fn(apolloComputeResponse);
  const actual = compiledComputeResponse(fallback)({ operation: operation(), variables, input, introspectionHandling });
  // JSON text, so the order of keys counts too.
  return { expected: JSON.stringify(expected), actual: JSON.stringify(actual), gaveUp: fallback.mock.calls.length > 0 };
}

const movie = (id: string, extra: Input = {}) => ({
  __typename: 'Movie', id, title: `T${id}`, genre: 'DRAMA', rating: 4.5, year: 1999, meta: { any: ['thing'] }, internalKey: 'dropped',
  reviews: [{ __typename: 'Review', id: `r${id}`, body: 'ok', author: { __typename: 'User', id: 'u1', name: 'Ann', friends: [null, { __typename: 'User', id: 'u2', name: null }] } }],
  ...extra,
});

describe('compiled result shaping: the same answer as Apollo, or Apollo\'s own', () => {
  it.each([
    ['nested objects, lists, scalars of every kind, fields not asked for dropped', '{ movies { id title genre rating year meta reviews { body author { name friends { id name } } } } }', { movies: [movie('1'), movie('2')] }],
    ['aliases, and __typename under an alias and at the root', '{ __typename t: __typename m: movie(id: "1") { kind: __typename id name: title } }', { m: movie('1') }],
    ['fragments on an interface and on union members, by __typename', '{ node(id: "1") { id ... on Movie { title } ... on User { name } } search { ... on Movie { id genre } ... on User { id name } ... on Node { id } } }', { node: movie('1'), search: [movie('2'), { __typename: 'User', id: 'u9', name: 'Bo' }] }],
    ['the same response name twice merges into one object, in first-seen order', '{ movie(id: "1") { id } ... on Query { movie(id: "1") { title reviews { id } } } movie(id: "1") { reviews { body } } }', { movie: movie('1') }],
    ['nulls where the schema allows them, and a missing nullable field', '{ movie(id: "1") { id title rating } node(id: "x") { id } }', { movie: { __typename: 'Movie', id: '1', title: null }, node: null }],
    ['an empty list and a null list element', '{ movies { id } me { friends { id } } }', { movies: [], me: { __typename: 'User', id: 'u', friends: [null] } }],
    ['names Object.prototype has', '{ movie(id: "1") { constructor: title toString: id hasOwnProperty: genre } }', { movie: { __typename: 'Movie', constructor: 'x', toString: '1', hasOwnProperty: 'COMEDY' } }],
  ])('%s', (_name, query, input) => {
    const r = both(query, input);
    expect(r.actual).toBe(r.expected);
    expect(r.gaveUp).toBe(false);
  });

  it('@skip and @include, literal and by variable, with defaults', () => {
    const query = 'query ($show: Boolean = true, $hide: Boolean!) { movie(id: "1") { id @skip(if: $hide) title @include(if: $show) genre @include(if: false) ... on Movie @skip(if: true) { year } ... @include(if: $hide) { rating } } }';
    for (const variables of [{ hide: true }, { hide: false, show: false }, { hide: false }]) {
      const r = both(query, { movie: movie('1') }, variables);
      expect(r.actual).toBe(r.expected);
      expect(r.gaveUp).toBe(false);
    }
  });

  it.each([
    ['a null non-null field (Apollo bubbles and reports it)', '{ movie(id: "1") { id title } me { id } }', { movie: { __typename: 'Movie', id: null, title: 'x' }, me: { __typename: 'User', id: 'u' } }],
    ['a null non-null root field', '{ me { id } movies { id } }', { me: null, movies: [] }],
    ['a null in a list of non-null', '{ movies { id } }', { movies: [movie('1'), null] }],
    ['an enum value the schema does not have', '{ movie(id: "1") { genre } }', { movie: { __typename: 'Movie', genre: 'HORROR' } }],
    ['a wrong leaf type', '{ movie(id: "1") { year rating } }', { movie: { __typename: 'Movie', year: 1.5, rating: 'high' } }],
    ['a __typename the schema does not have', '{ movie(id: "1") { id } }', { movie: { __typename: 'Nope', id: '1' } }],
    ['an abstract type without __typename asked for its __typename', '{ node(id: "1") { __typename id } }', { node: { id: '1' } }],
    ['introspection, which Apollo answers itself', '{ __schema { queryType { name } } movie(id: "1") { id } }', { movie: movie('1') }],
  ])('gives up on %s, and Apollo answers', (_name, query, input) => {
    const r = both(query, input as Input);
    expect(r.actual).toBe(r.expected);
    expect(r.gaveUp).toBe(true);
  });

  it('a variable that is not a boolean fails as Apollo fails', () => {
    const query = 'query ($x: Boolean) { movie(id: "1") { id @include(if: $x) } }';
    expect(() => both(query, { movie: movie('1') }, { x: 'yes' })).toThrow();
  });

  it('no input: the same as Apollo', () => {
    const r = both('{ me { id } }', undefined as unknown as Input);
    expect(r.actual).toBe(r.expected);
  });

  it('compiles once per Operation: one Operation shaped request after request, with other variables, types and inputs, answers as Apollo each time', () => {
    const query = 'query ($hide: Boolean!) { movie(id: "1") { id @skip(if: $hide) title } node(id: "1") { id ... on Movie { title } ... on User { name } } }';
    const operation = operationFromDocument(schema, parse(query), { validate: true });
    const fallback = jest.fn(apolloComputeResponse);
    const shape = compiledComputeResponse(fallback);
    const introspectionHandling = () => null;
    const user = { __typename: 'User', id: 'u1', name: 'Ann' };
    const requests: Array<[Record<string, unknown>, Input, boolean]> = [
      [{ hide: false }, { movie: movie('1'), node: movie('2') }, false],
      [{ hide: true }, { movie: movie('3'), node: user }, false], // the other fragment applies now
      [{ hide: false }, { movie: { __typename: 'Movie', id: null, title: 'x' }, node: user }, true], // this input gives up…
      [{ hide: false }, { movie: movie('4'), node: movie('5') }, false], // …and the next one does not
    ];
    for (const [variables, input, givesUp] of requests) {
      fallback.mockClear();
      const expected = apolloComputeResponse({ operation, variables, input, introspectionHandling });
      expect(JSON.stringify(shape({ operation, variables, input, introspectionHandling }))).toBe(JSON.stringify(expected));
      expect(fallback.mock.calls.length > 0).toBe(givesUp);
    }
  });

  it('an operation the walk cannot take (introspection) goes to Apollo every time', () => {
    const operation = operationFromDocument(schema, parse('{ __schema { queryType { name } } movie(id: "1") { id } }'), { validate: true });
    const fallback = jest.fn(apolloComputeResponse);
    const shape = compiledComputeResponse(fallback);
    for (let i = 0; i < 2; i++) shape({ operation, input: { movie: movie('1') }, introspectionHandling: () => ({ queryType: { name: 'Query' } }) });
    expect(fallback).toHaveBeenCalledTimes(2);
  });
});

describe('operationStore: one Operation per parsed operation and API schema', () => {
  it('builds once per operation node, again for another schema or another node', () => {
    const store = operationStore();
    const document = parse('{ movies { id } }');
    const node = document.definitions[0]!;
    const build = jest.fn(() => operationFromDocument(schema, document, { validate: true }));
    const first = store(schema, node, build);
    expect(store(schema, node, build)).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
    const other = {}; // another API schema (a supergraph update)
    expect(store(other, node, build)).not.toBe(first);
    expect(build).toHaveBeenCalledTimes(2);
    store(schema, parse('{ movies { id } }').definitions[0]!, build); // the same text, parsed again
    expect(build).toHaveBeenCalledTimes(3);
  });
});

