import { writeFileSync } from 'node:fs';
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema } from 'graphql';
import { adminHeaders, bearer, eventually, gql, mintToken } from '@cinema/testing';
import { startInProcessGraph } from './support/in-process';
import { seedCinemaGraph } from './support/scenario';
import { judge, post } from './support/hostile/http';
import { snapshot, watchOperators } from './support/hostile/mongo-watch';
import { FOCI, generateOperation } from './support/hostile/operations';
import { hostileSeed, seededRng } from './support/hostile/prng';
import { RAW_CASES } from './support/hostile/raw-cases';
import { HostileSummary } from './support/hostile/summary';
import { mutateDocument } from './support/hostile/token-mutator';

/**
 * Hostile input through the real gateway and the three real subgraphs over signed HTTP, with the
 * production body limit. Every case must end in valid data or a client-safe GraphQL error (never a
 * 5xx, never INTERNAL_SERVER_ERROR), and afterwards every collection of the three databases must be
 * exactly as before, with no operator from client input ever sent to MongoDB.
 * Replay a failure with HOSTILE_SEED=<seed printed> npm test -- hostile-graphql.
 */
const SEED = hostileSeed();
const FUZZED = 280;
const TOKEN_MUTATED = 120;

let graph: Awaited<ReturnType<typeof startInProcessGraph>>;
let schema: GraphQLSchema;
let callers: Array<Record<string, string>>;
let watches: Array<ReturnType<typeof watchOperators>>;
let before: unknown;
const summary = new HostileSummary();
const problems: string[] = [];
const databases = () => Object.values(graph.dbs).map((d) => d.db);
const snapshotAll = async () => Promise.all(databases().map(snapshot));

beforeAll(async () => {
  graph = await startInProcessGraph({ http: true, bodyLimit: '256kb' });
  await seedCinemaGraph(graph.url);
  // Quiet first: the replicas hold what the seed's events carry, so nothing moves during the attack.
  const count = (db: 'users' | 'movies' | 'catalog', c: string) => graph.dbs[db].db.collection(c).countDocuments();
  await eventually(async () => (await count('movies', 'user_profiles')) === (await count('users', 'users')) && (await count('catalog', 'movies')) === (await count('movies', 'movies')), 15_000);
  const introspection = await gql(graph.url, getIntrospectionQuery());
  schema = buildClientSchema(introspection.data as never);
  callers = [await adminHeaders(), await adminHeaders(), await adminHeaders(), {}, bearer(await mintToken({ sub: 'ffffffffffffffffffffffff' }))];
  watches = Object.values(graph.dbs).map((d) => watchOperators(d.client, d.db.databaseName));
  before = await snapshotAll();
}, 90_000);

afterAll(async () => {
  watches?.forEach((w) => w.stop());
  const file = summary.write('graphql', { seed: SEED, problems: problems.length });
  writeFileSync(file.replace(/summary\.json$/, 'graphql-problems.txt'), problems.join('\n'));
  console.log(`hostile GraphQL: ${summary.total} cases, seed ${SEED}, ${problems.length} problems → ${file}`);
  await graph?.stop();
});

/** Sends one case and records its outcome; a problem is kept (with the seed) rather than thrown, so one run shows them all. */
async function attempt(klass: string, name: string, body: string | Buffer, headers: Record<string, string>, mustRefuse = false) {
  const answer = await post(graph.url, body, headers).catch((err: Error) => ({ status: 0, body: undefined, text: `request failed: ${err.message}` }));
  const { outcome, problem } = judge(answer, { mustRefuse });
  summary.record(klass, problem ? `PROBLEM ${outcome}` : outcome, answer.body?.errors?.[0]?.message);
  if (problem) problems.push(`[seed ${SEED}] ${klass} / ${name}: ${problem}\n  body: ${body.toString().slice(0, 300)}`);
}

describe(`hostile GraphQL through the real gateway (seed ${SEED})`, () => {
  it('answers each raw hostile request with a client-safe error or data', async () => {
    const admin = await adminHeaders();
    for (const c of RAW_CASES) await attempt(c.klass, c.name, c.body, { ...admin, ...c.headers });
    expect(problems).toEqual([]);
  }, 60_000);

  it(`answers ${FUZZED} operations generated from the API schema, and ${TOKEN_MUTATED} token-mutated ones`, async () => {
    const rng = seededRng(SEED);
    for (let i = 0; i < FUZZED; i++) {
      const focus = FOCI[i % FOCI.length]!;
      const op = generateOperation(schema, rng, focus);
      await attempt(`fuzz:${focus}`, `#${i}`, JSON.stringify({ query: op.query, variables: op.variables }), rng.pick(callers), op.mutation);
    }
    for (let i = 0; i < TOKEN_MUTATED; i++) {
      // Mutations keep their refused values in variables, which token edits cannot reach.
      const base = generateOperation(schema, rng, i % 2 ? 'mutation-poison' : 'injection', true);
      const { query, edits } = mutateDocument(base.query, rng);
      await attempt('token-mutated', `#${i} ${edits.join(',')}`, JSON.stringify({ query, variables: base.variables }), rng.pick(callers), base.mutation);
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('changed nothing: same documents in every collection, no client operator reached MongoDB, still serving', async () => {
    expect(await snapshotAll()).toEqual(before);
    expect(watches.flatMap((w) => w.injections)).toEqual([]);
    expect(watches.reduce((n, w) => n + w.commands(), 0)).toBeGreaterThan(0);
    const res = await gql(graph.url, '{ movies(first: 5) { id title reviews { rating } } cities { name } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.movies.length).toBeGreaterThan(0);
  });
});
