import { buildASTSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { policyFromSdl, violations } from './policy';

const sdl = parse(`
  directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE
  directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE
  type Query { public: String  me: String @authenticated  admin: String @requiresScopes(scopes: [["admin"], ["ops", "root"]])  node: Node  any: Thing }
  interface Node { id: ID! }
  type Open implements Node { id: ID! }
  type Secret implements Node @authenticated { id: ID! }
  union Thing = Open | Secret
`);
const schema = buildASTSchema(sdl);
const policy = policyFromSdl(sdl);

function refused(query: string, identity: { sub: string; scopes: string[] } | null = null) {
  const doc = parse(query);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return violations(policy, schema, doc, op, identity).map((v) => `${v.coordinate}:${v.missing}`);
}

describe('the policy walker finds every protected selection, however it is written', () => {
  it.each([
    ['a plain field', '{ me }', ['Query.me:identity']],
    ['an alias', '{ x: me }', ['Query.me:identity']],
    ['@skip and @include (checked whatever the variables say)', '{ me @skip(if: true) admin @include(if: false) }', ['Query.me:identity', 'Query.admin:identity']],
    ['a named fragment', '{ ...F } fragment F on Query { me }', ['Query.me:identity']],
    ['nested fragments', '{ ...A } fragment A on Query { ...B } fragment B on Query { admin }', ['Query.admin:identity']],
    ['an inline fragment on a protected type', '{ node { ... on Secret { id } } }', ['Secret:identity']],
    ['a union that may return a protected type', '{ any { __typename } }', ['Secret:identity']],
    ['an interface that may return a protected type', '{ node { id } }', ['Secret:identity']],
    ['public fields only', '{ public __typename }', []],
  ])('%s', (_name, query, expected) => {
    expect(refused(query)).toEqual(expected);
  });

  it('reports each protected field once, however often the document repeats it', () => {
    const flood = `{ ${'...F '.repeat(200)} } fragment F on Query { ${'me '.repeat(20)} }`;
    expect(refused(flood)).toEqual(['Query.me:identity']);
  });

  it('accepts any one of the scope sets, all of its scopes', () => {
    expect(refused('{ admin }', { sub: 'u', scopes: ['admin'] })).toEqual([]);
    expect(refused('{ admin }', { sub: 'u', scopes: ['ops', 'root'] })).toEqual([]);
    expect(refused('{ admin }', { sub: 'u', scopes: ['ops'] })).toEqual(['Query.admin:scope']);
    expect(refused('{ me node { ... on Secret { id } } }', { sub: 'u', scopes: [] })).toEqual([]);
  });

  it('follows directives renamed by @link', () => {
    const renamed = policyFromSdl(parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: [{ name: "@authenticated", as: "@signedIn" }])
      extend schema @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", as: "scoped")
      type Query { a: String @signedIn  b: String @scoped(scopes: [["x"]])  c: String @authenticated }
    `));
    expect([...renamed.keys()]).toEqual(['Query.a', 'Query.b']);
  });
});
