import { createMetrics } from '@cinema/telemetry';
import { bearer, errorCodes, gql, mintToken } from '@cinema/testing';
import { startInProcessGraph } from './support/in-process';
import { seedCinemaGraph } from './support/scenario';

/**
 * Inbound deduplication through the real gateway and the three real subgraphs over signed HTTP:
 * identical queries in flight at the same moment share one answer, and a caller never gets an
 * answer computed for another (the verified caller is part of the key).
 */
const OWN = 'query Own($id: ID!) { user(id: $id) { id email } }';
const metrics = createMetrics('gateway', { processMetrics: false });
let graph: Awaited<ReturnType<typeof startInProcessGraph>>;
let seed: Awaited<ReturnType<typeof seedCinemaGraph>>;
let as: { ann: Record<string, string>; bob: Record<string, string> };

const shared = async () => (await metrics.registry.getSingleMetric('gateway_inbound_dedupe_shared_total')!.get()).values[0]?.value ?? 0;
/** Operations Apollo executed (every outcome): a request answered with another's answer is not among them. */
const executed = async () => (await metrics.graphqlRequests.get()).values.reduce((sum, v) => sum + v.value, 0);
const email = (who: 'ann' | 'bob') => `${who}-${seed.tag}@example.com`;

beforeAll(async () => {
  graph = await startInProcessGraph({ http: true, metrics });
  seed = await seedCinemaGraph(graph.url);
  as = { ann: bearer(await mintToken({ sub: seed.ann })), bob: bearer(await mintToken({ sub: seed.bob })) };
  // The gateway learns that Own is a query from its first request: only later ones may share.
  await gql(graph.url, OWN, { id: seed.ann }, as.ann);
}, 60_000);
afterAll(() => graph.stop());

describe('inbound deduplication', () => {
  it('two users asking for their own e-mail at the same moment each get their own', async () => {
    const before = await shared();
    const asks = (who: 'ann' | 'bob') => Array.from({ length: 20 }, () => gql(graph.url, OWN, { id: seed[who] }, as[who]));
    const [anns, bobs] = await Promise.all([Promise.all(asks('ann')), Promise.all(asks('bob'))]);
    for (const r of anns) expect(r).toEqual({ status: 200, data: { user: { id: seed.ann, email: email('ann') } } });
    for (const r of bobs) expect(r).toEqual({ status: 200, data: { user: { id: seed.bob, email: email('bob') } } });
    // Sharing did happen: the test is about callers kept apart while answers are shared.
    expect(await shared()).toBeGreaterThan(before);
  });

  it("the same query and variables from two callers: only the owner's copies get the e-mail", async () => {
    const before = await shared();
    const asks = (who: 'ann' | 'bob') => Array.from({ length: 20 }, () => gql(graph.url, OWN, { id: seed.ann }, as[who]));
    const [anns, bobs] = await Promise.all([Promise.all(asks('ann')), Promise.all(asks('bob'))]);
    for (const r of anns) expect(r).toEqual({ status: 200, data: { user: { id: seed.ann, email: email('ann') } } });
    for (const r of bobs) {
      expect(errorCodes(r)).toEqual(['FORBIDDEN']);
      expect(JSON.stringify(r)).not.toContain(email('ann'));
    }
    // Ann's copies shared; Bob's answers carry errors, which are never shared (each ran on its own).
    expect(await shared()).toBeGreaterThan(before);
  });

  it('never shares an answer with errors: identical refused queries in flight at once each run', async () => {
    const [before, ran] = [await shared(), await executed()];
    const answers = await Promise.all(Array.from({ length: 20 }, () => gql(graph.url, OWN, { id: seed.ann }, as.bob)));
    for (const r of answers) expect(errorCodes(r)).toEqual(['FORBIDDEN']);
    expect(await executed()).toBe(ran + 20);
    expect(await shared()).toBe(before);
  });

  it('never shares a mutation: identical sign-ups in flight at once each run', async () => {
    const SIGN_UP = 'mutation Up($i: CreateUserInput!) { createUser(input: $i) { id } }';
    const i = { email: `twice-${seed.tag}@example.com`, fullName: 'Twice' };
    await gql(graph.url, SIGN_UP, { i: { ...i, email: `first-${seed.tag}@example.com` } });
    const before = await shared();
    const answers = await Promise.all([gql(graph.url, SIGN_UP, { i }), gql(graph.url, SIGN_UP, { i })]);
    // Both executed: one created the user, the other was refused as a duplicate e-mail.
    expect(answers.filter((r) => r.data?.createUser?.id).length).toBe(1);
    expect(answers.filter((r) => errorCodes(r).length > 0).length).toBe(1);
    expect(await shared()).toBe(before);
  });
});
