import { composeServices } from '@apollo/composition';
import { LocalGraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { bearer, errorCodes, gql, mintToken, silentLogger, testGatewaySecurity } from '@cinema/testing';
import { createGatewayServer } from '../server';

/**
 * The gateway serves any supergraph @apollo/gateway 2.14 serves: each case composes a small graph
 * using one feature (with @apollo/composition, as `npm run compose` does), starts the gateway on it
 * (subgraphs in-process) and runs queries through HTTP. SECURITY features neither Apollo nor this
 * gateway enforces are refused at start, naming them.
 */
type Subgraph = { name: string; sdl: string; resolvers: object };
const fed = (imports: string[]) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ${JSON.stringify(imports)})`;

function supergraph(subgraphs: Subgraph[]) {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: `http://${s.name}.invalid/graphql`, typeDefs: parse(s.sdl) })));
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.supergraphSdl!;
}

async function serve(subgraphs: Subgraph[], run: (url: string) => Promise<void>) {
  const schemas = new Map(subgraphs.map((s) => [s.name, buildSubgraphSchema([{ typeDefs: parse(s.sdl), resolvers: s.resolvers as never }])]));
  const gateway = createGatewayServer({
    supergraphSdl: supergraph(subgraphs),
    logger: silentLogger,
    ...testGatewaySecurity(),
    buildService: ({ name }) => new LocalGraphQLDataSource(schemas.get(name)!),
  });
  const url = await gateway.listen(0, '127.0.0.1');
  try {
    await run(url);
  } finally {
    await gateway.stop();
  }
}

const film = { id: '1', title: 'Arrival', budget: 47, year: 2016 };
const films = (extra: string, imports: string[]) => ({
  name: 'films',
  sdl: `${fed(['@key', ...imports])}\n type Film @key(fields: "id") { id: ID! title: String! ${extra} }\n type Query { film: Film }`,
  resolvers: { Query: { film: () => film }, Film: { __resolveReference: () => film } },
});

const SUPPORTED: Array<[string, Subgraph[], string, unknown]> = [
  ['@tag', [films('year: Int @tag(name: "public")', ['@tag'])], '{ film { title year } }', { film: { title: 'Arrival', year: 2016 } }],
  ['@inaccessible (for: SECURITY)', [films('budget: Int @inaccessible', ['@inaccessible'])], '{ film { title } }', { film: { title: 'Arrival' } }],
  ['@cost and @listSize', [{ name: 'films', sdl: `${fed(['@cost', '@listSize'])}\n type Query { films(first: Int): [String!]! @listSize(slicingArguments: ["first"]) @cost(weight: 2) }`, resolvers: { Query: { films: () => ['Arrival'] } } }], '{ films(first: 1) }', { films: ['Arrival'] }],
  ['@composeDirective', [{ name: 'films', sdl: `${fed(['@composeDirective'])}\n extend schema @link(url: "https://cinema.example/custom/v1.0", import: ["@audited"]) @composeDirective(name: "@audited")\n directive @audited on FIELD_DEFINITION\n type Query { hello: String @audited }`, resolvers: { Query: { hello: () => 'hi' } } }], '{ hello }', { hello: 'hi' }],
  ['@shareable, @external, @requires and @override across subgraphs', [
    films('', ['@shareable']),
    { name: 'shows', sdl: `${fed(['@key', '@external', '@requires', '@override'])}\n type Film @key(fields: "id") { id: ID!  title: String! @external  label: String! @requires(fields: "title")  year: Int @override(from: "films") }`, resolvers: { Film: { __resolveReference: (r: object) => r, label: (f: { title: string }) => `«${f.title}»`, year: () => 2016 } } },
  ], '{ film { title label year } }', { film: { title: 'Arrival', label: '«Arrival»', year: 2016 } }],
  ['@interfaceObject', [
    { name: 'films', sdl: `${fed(['@key'])}\n interface Media @key(fields: "id") { id: ID! title: String! }\n type Film implements Media @key(fields: "id") { id: ID! title: String! }\n type Query { media: Media }`, resolvers: { Query: { media: () => ({ __typename: 'Film', ...film }) }, Media: { __resolveType: () => 'Film' }, Film: { __resolveReference: () => film } } },
    { name: 'ratings', sdl: `${fed(['@key', '@interfaceObject'])}\n type Media @key(fields: "id") @interfaceObject { id: ID! stars: Int! }`, resolvers: { Media: { __resolveReference: (r: object) => ({ ...r, stars: 5 }) } } },
  ], '{ media { title stars } }', { media: { title: 'Arrival', stars: 5 } }],
];

describe('supergraph features', () => {
  it.each(SUPPORTED)('serves a supergraph with %s', async (_name, subgraphs, query, data) => {
    await serve(subgraphs, async (url) => {
      const res = await gql(url, query);
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual(data);
    });
  });

  it('keeps @inaccessible fields out of the API: not queryable, not in introspection', async () => {
    await serve([films('budget: Int @inaccessible', ['@inaccessible'])], async (url) => {
      expect(errorCodes(await gql(url, '{ film { budget } }'))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      const fields = (await gql(url, '{ __type(name: "Film") { fields { name } } }')).data?.__type.fields.map((f: { name: string }) => f.name);
      expect(fields).toEqual(['id', 'title']);
    });
  });

  it('enforces @authenticated and @requiresScopes itself', async () => {
    await serve([films('budget: Int @authenticated  year: Int @requiresScopes(scopes: [["admin"]])', ['@authenticated', '@requiresScopes'])], async (url) => {
      expect(errorCodes(await gql(url, '{ film { budget } }'))).toEqual(['UNAUTHENTICATED']);
      const user = bearer(await mintToken({ sub: 'u1', scopes: [] }));
      expect((await gql(url, '{ film { budget } }', undefined, user)).data).toEqual({ film: { budget: 47 } });
      expect(errorCodes(await gql(url, '{ film { year } }', undefined, user))).toEqual(['FORBIDDEN']);
    });
  });

  it.each([
    ['@policy', films('budget: Int @policy(policies: [["finance"]])', ['@policy']), 'https://specs.apollo.dev/policy/v0.1'],
    ['@context', { name: 'films', sdl: `${fed(['@key', '@context', '@fromContext'])}\n type Query { film: Film }\n type Film @key(fields: "id") @context(name: "f") { id: ID! title: String  pick: Pick }\n type Pick @key(fields: "id") { id: ID!  say(t: String @fromContext(field: "$f { title }")): String }`, resolvers: {} }, 'https://specs.apollo.dev/context/v0.1'],
  ])('refuses at start a supergraph with %s, a SECURITY feature it cannot enforce, naming it', async (_name, subgraph, url) => {
    expect(() => createGatewayServer({ supergraphSdl: supergraph([subgraph]), logger: silentLogger, ...testGatewaySecurity() })).toThrow(`the supergraph uses SECURITY features this gateway does not enforce: ${url}`);
  });
});
