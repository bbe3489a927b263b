import { parse } from 'graphql';
import { ADMIN, asGateway, gql, silentLogger, TEST_SIGNING_SECRET } from '@cinema/testing';
import { createSubgraphServer } from './subgraph';
import { type RequestContext, encodeIdentity, IDENTITY_HEADER, SIGNATURE_HEADER, signRequest } from '@cinema/serving';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@requiresScopes"])
  type Query { whoami: String  adminOnly: String @requiresScopes(scopes: [["admin"]]) }
  type Thing @key(fields: "id") { id: ID!  name: String }
`);
const resolvers = {
  Query: { whoami: (_: unknown, __: unknown, ctx: RequestContext) => ctx.identity?.sub ?? 'anonymous', adminOnly: () => 'yes' },
  Thing: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, name: `thing ${ref.id}` }) },
};

let url: string;
let server: ReturnType<typeof createSubgraphServer>;
beforeAll(async () => {
  server = createSubgraphServer<RequestContext>({
    logger: silentLogger, production: true, gatewaySecret: TEST_SIGNING_SECRET, typeDefs, resolvers: resolvers as never, context: (b) => b, checks: {},
  });
  url = await server.listen(0, '127.0.0.1');
});
afterAll(() => server.stop());

const ENTITIES = '{ _entities(representations: [{ __typename: "Thing", id: "1" }]) { ... on Thing { name } } }';
const SERVICE = '{ _service { sdl } }';

describe('a subgraph answers only requests the gateway signed', () => {
  it('answers a signed request, with the identity it carries', async () => {
    const res = await gql(url, '{ whoami }', undefined, asGateway({ sub: 'u42', scopes: [] }));
    expect(res.data).toEqual({ whoami: 'u42' });
    expect((await gql(url, ENTITIES, undefined, asGateway(null))).data).toEqual({ _entities: [{ name: 'thing 1' }] });
  });

  it.each([
    ['a query', '{ whoami }'],
    ['_entities', ENTITIES],
    ['_service (the SDL)', SERVICE],
  ])('refuses %s without a signature', async (_name, query) => {
    const res = await gql(url, query);
    expect(res.status).toBe(401);
    expect(res.data ?? null).toBeNull();
    expect(res.errors![0]!.message).toMatch(/answers only the gateway: missing signature/);
  });

  it('refuses a wrong secret, a changed body, a swapped identity, an old signature and GET', async () => {
    const body = JSON.stringify({ query: '{ whoami }' });
    const admin = encodeIdentity(ADMIN);
    const send = (headers: Record<string, string>, sent = body) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: sent }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const cases = {
      'wrong secret': await send({ [SIGNATURE_HEADER]: signRequest('another-secret-of-enough-length-0000000000', body) }),
      'changed body': await send({ [SIGNATURE_HEADER]: signRequest(TEST_SIGNING_SECRET, body) }, JSON.stringify({ query: '{ adminOnly }' })),
      'swapped identity': await send({ [SIGNATURE_HEADER]: signRequest(TEST_SIGNING_SECRET, body, encodeIdentity({ sub: 'u1', scopes: [] })), [IDENTITY_HEADER]: admin }),
      'identity added': await send({ [SIGNATURE_HEADER]: signRequest(TEST_SIGNING_SECRET, body), [IDENTITY_HEADER]: admin }),
      'two minutes old': await send({ [SIGNATURE_HEADER]: signRequest(TEST_SIGNING_SECRET, body, '', Date.now() - 120_000) }),
      'malformed': await send({ [SIGNATURE_HEADER]: 't=1,v1=zz' }),
    };
    for (const [name, res] of Object.entries(cases)) {
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(res.text).not.toMatch(/whoami|yes|u1/);
    }
    const get = await fetch(`${url}?query=${encodeURIComponent('{ whoami }')}`, { headers: { 'apollo-require-preflight': '1' } });
    expect(get.status).toBe(405);
  });

  it('checks @requiresScopes itself, whatever the gateway did (defence in depth)', async () => {
    const anonymous = await gql(url, '{ adminOnly }', undefined, asGateway(null));
    expect(anonymous.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const user = await gql(url, '{ adminOnly }', undefined, asGateway({ sub: 'u1', scopes: ['reader'] }));
    expect(user.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await gql(url, '{ adminOnly }', undefined, asGateway(ADMIN))).data).toEqual({ adminOnly: 'yes' });
  });
});
