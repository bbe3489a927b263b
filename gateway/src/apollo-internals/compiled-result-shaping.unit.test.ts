import { buildSchema, operationFromDocument } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { compiledComputeResponse } from './compiled-result-shaping';
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
});
