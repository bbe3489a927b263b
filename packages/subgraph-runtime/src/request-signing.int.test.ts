import { parse } from 'graphql';
import { ADMIN, asGateway, gql, silentLogger, TEST_SIGNING_SECRET } from '@cinema/testing';
import { createMetrics } from '@cinema/telemetry';
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
/** The key this subgraph had before a rotation: accepted beside the current one until the rollover ends. */
const PREVIOUS_KEY = 'previous-key-of-this-subgraph-0123456789abcdef';
const OTHER_SUBGRAPHS_KEY = 'the-key-of-another-subgraph-0123456789abcdef';

let url: string;
let server: ReturnType<typeof createSubgraphServer>;
const metrics = createMetrics('things', { processMetrics: false });
beforeAll(async () => {
  server = createSubgraphServer<RequestContext>({
    logger: silentLogger, production: true, name: 'things', gatewaySecret: [TEST_SIGNING_SECRET, PREVIOUS_KEY], metrics,
    typeDefs, resolvers: resolvers as never, context: (b) => b, checks: {},
  });
  url = await server.listen(0, '127.0.0.1');
});
afterAll(() => server.stop());

const ENTITIES = '{ _entities(representations: [{ __typename: "Thing", id: "1" }]) { ... on Thing { name } } }';
const SERVICE = '{ _service { sdl } }';
const BODY = JSON.stringify({ query: '{ whoami }' });
const send = (headers: Record<string, string>, sent: string | Buffer = BODY) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof sent === 'string' ? sent : new Uint8Array(sent) }).then(async (r) => ({ status: r.status, text: await r.text() }));
const refusals = async () => Object.fromEntries(((await metrics.registry.getSingleMetric('subgraph_signature_refusals_total')!.get()).values).map((v) => [v.labels.reason, v.value]));

describe('a subgraph answers only requests the gateway signed for it', () => {
  it('answers a signed request, with the identity it carries', async () => {
    const res = await gql(url, '{ whoami }', undefined, asGateway('things', { sub: 'u42', scopes: [] }));
    expect(res.data).toEqual({ whoami: 'u42' });
    expect((await gql(url, ENTITIES, undefined, asGateway('things', null))).data).toEqual({ _entities: [{ name: 'thing 1' }] });
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

  it('refuses another key, another subgraph, a changed body, a swapped identity, an old signature and GET, and counts each', async () => {
    const before = await refusals();
    const admin = encodeIdentity(ADMIN);
    const cases = {
      'another subgraph\'s key': await send({ [SIGNATURE_HEADER]: signRequest(OTHER_SUBGRAPHS_KEY, 'things', BODY) }),
      // Captured on its way to another subgraph that (wrongly) shares this key: the name is signed too.
      'signed for another subgraph': await send({ [SIGNATURE_HEADER]: signRequest(TEST_SIGNING_SECRET, 'users', BODY) }),
      'changed body': await send({ [SIGNATURE_HEADER]: signRequest(TEST_SIGNING_SECRET, 'things', BODY) }, JSON.stringify({ query: '{ adminOnly }' })),
      'swapped identity': await send({ [SIGNATURE_HEADER]: signRequest(TEST_SIGNING_SECRET, 'things', BODY, encodeIdentity({ sub: 'u1', scopes: [] })), [IDENTITY_HEADER]: admin }),
      'identity added': await send({ [SIGNATURE_HEADER]: signRequest(TEST_SIGNING_SECRET, 'things', BODY), [IDENTITY_HEADER]: admin }),
      'a minute old': await send({ [SIGNATURE_HEADER]: signRequest(TEST_SIGNING_SECRET, 'things', BODY, '', Date.now() - 60_000) }),
      'the old format (no nonce, no name)': await send({ [SIGNATURE_HEADER]: `t=${Date.now()},v1=${'0'.repeat(64)}` }),
    };
    for (const [name, res] of Object.entries(cases)) {
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(res.text).not.toMatch(/whoami|yes|u1/);
    }
    const get = await fetch(`${url}?query=${encodeURIComponent('{ whoami }')}`, { headers: { 'apollo-require-preflight': '1' } });
    expect(get.status).toBe(405);
    const after = await refusals();
    const added = (reason: string) => (after[reason] ?? 0) - (before[reason] ?? 0);
    expect({ wrong: added('wrong'), expired: added('expired'), malformed: added('malformed'), method: added('method') }).toEqual({ wrong: 5, expired: 1, malformed: 1, method: 1 });
  });

  it('refuses a replayed request: the nonce is remembered for the signature\'s lifetime', async () => {
    const signature = signRequest(TEST_SIGNING_SECRET, 'things', BODY);
    const first = await send({ [SIGNATURE_HEADER]: signature });
    expect(first.status).toBe(200);
    const before = await refusals();
    const replay = await send({ [SIGNATURE_HEADER]: signature });
    expect(replay.status).toBe(401);
    expect(replay.text).toMatch(/replayed signature/);
    expect(((await refusals()).replayed ?? 0) - (before.replayed ?? 0)).toBe(1);
  });

  it('accepts the previous key during a rotation', async () => {
    expect((await send({ [SIGNATURE_HEADER]: signRequest(PREVIOUS_KEY, 'things', BODY, encodeIdentity({ sub: 'u7', scopes: [] })), [IDENTITY_HEADER]: encodeIdentity({ sub: 'u7', scopes: [] }) })).text).toMatch(/"u7"/);
  });

  it('checks the signature before the body is parsed, and refuses a bad header before reading the body', async () => {
    // Not JSON at all: a forger's body is refused for its signature, never parsed (that would be a 400).
    const notJson = '{"query": ' + '['.repeat(100_000);
    const forged = await send({ [SIGNATURE_HEADER]: signRequest(OTHER_SUBGRAPHS_KEY, 'things', notJson) }, notJson);
    expect(forged).toEqual({ status: 401, text: expect.stringMatching(/wrong signature/) });
    // A header that cannot be valid is refused on the headers alone: 900 kB the server never waits for.
    const big = Buffer.alloc(900_000, 0x20);
    const started = Date.now();
    const unsigned = await send({ [SIGNATURE_HEADER]: 'nonsense' }, big);
    expect(unsigned.status).toBe(401);
    expect(unsigned.text).toMatch(/malformed signature/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('checks @requiresScopes itself, whatever the gateway did (defence in depth)', async () => {
    const anonymous = await gql(url, '{ adminOnly }', undefined, asGateway('things', null));
    expect(anonymous.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const user = await gql(url, '{ adminOnly }', undefined, asGateway('things', { sub: 'u1', scopes: ['reader'] }));
    expect(user.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await gql(url, '{ adminOnly }', undefined, asGateway('things', ADMIN))).data).toEqual({ adminOnly: 'yes' });
  });
});
