/**
 * `npm run seed` as a real process against a real stack, through its gateway with a per-client rate
 * limit of one request a second: interrupted in the middle of its reviews, run again to the end,
 * then run a third time. Every entity exists exactly once, as planned, and the last run creates nothing.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, TEST_JWT_SECRET } from '@cinema/testing';
import { planSeed } from '../scripts/seed/plan';
import { startTestStack, type TestStack } from './support/test-stack';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..');
const SIZES = { users: 20, movies: 10, reviews: 60, cities: 2, cinemas: 4, screenings: 20 };
const ARGS = Object.entries(SIZES).flatMap(([k, v]) => [`--${k}`, String(v)]);
let stack: TestStack;

beforeAll(async () => {
  // One request a second per client: the seed must wait for the limit, not fail on it.
  stack = await startTestStack('seed', { env: { RATE_LIMIT: '1', RATE_LIMIT_WINDOW_MS: '1000' } });
});
afterAll(() => stack?.stop());

/** Runs the seed CLI; `killWhen` SIGKILLs it two seconds after its output matches (a batch or two later). */
function runSeed(args: string[], env: NodeJS.ProcessEnv = {}, killWhen?: RegExp) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/seed/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET, JWT_JWKS_URL: '', ...env },
  });
  let out = '';
  const take = (chunk: Buffer) => {
    out += chunk;
    if (killWhen?.test(out)) {
      killWhen = undefined;
      setTimeout(() => child.kill('SIGKILL'), 2_000);
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  return new Promise<{ code: number | null; out: string }>((resolve) => child.once('close', (code) => resolve({ code, out })));
}

/** `users 20 planned 0 existed 20 created` lines of the summary, as numbers. */
const summary = (out: string): Record<string, { planned: number; existed: number; created: number }> =>
  Object.fromEntries([...out.matchAll(/^ {2}(\w+)\s+(\d+) planned\s+(\d+) existed\s+(\d+) created/gm)].map((m) => [m[1], { planned: +m[2]!, existed: +m[3]!, created: +m[4]! }]));

async function counts() {
  const count = (db: 'users' | 'movies' | 'catalog', c: string) => stack.mongo.db(stack.databases[db]).collection(c).countDocuments();
  return {
    users: await count('users', 'users'),
    movies: await count('movies', 'movies'),
    reviews: await count('movies', 'reviews'),
    cities: await count('catalog', 'cities'),
    cinemas: await count('catalog', 'cinemas'),
    screenings: await count('catalog', 'screenings'),
  };
}

test('an interrupted seed, run again, creates the planned data set once; a third run creates nothing', async () => {
  const args = ['--gateway', stack.gatewayUrl, ...ARGS];
  const interrupted = await runSeed(args, {}, /› reviews: 60 planned/);
  expect(interrupted.code).toBeNull(); // killed
  const before = await counts();
  expect(before.reviews).toBeLessThan(60);

  const second = await runSeed(args);
  expect(second.code).toBe(0);
  expect(second.out).toMatch(/\d+ waits for the gateway's rate limit/);
  const s2 = summary(second.out);
  expect(s2.users).toEqual({ planned: 20, existed: 20, created: 0 }); // the interrupted run made them
  expect(s2.reviews!.existed).toBe(before.reviews);
  expect(s2.reviews!.existed + s2.reviews!.created).toBe(60);
  expect(await counts()).toEqual(SIZES);

  // Deterministic: exactly the planned users, and every review's author known to movies' replica.
  const plan = planSeed(SIZES, 1, new Date('2030-01-07T00:00:00Z'));
  const emails = (await stack.mongo.db(stack.databases.users).collection('users').find().toArray()).map((u) => u.email).sort();
  expect(emails).toEqual(plan.users.map((u) => u.email).sort());

  const third = await runSeed(args);
  expect(third.code).toBe(0);
  const s3 = summary(third.out);
  expect(Object.keys(s3)).toEqual(['users', 'movies', 'cities', 'cinemas', 'reviews', 'screenings']);
  for (const [name, line] of Object.entries(s3)) expect({ name, ...line }).toEqual({ name, planned: SIZES[name as keyof typeof SIZES], existed: SIZES[name as keyof typeof SIZES], created: 0 });
  expect(await counts()).toEqual(SIZES);
});

test('with no gateway, or a token the gateway refuses, the seed says so and writes nothing', async () => {
  const nobody = await runSeed(['--gateway', `http://127.0.0.1:${await freePort()}/graphql`, ...ARGS]);
  expect(nobody.code).toBe(1);
  expect(nobody.out).toMatch(/no gateway answers at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): start the stack with `npm start`/);

  const before = await counts();
  const refused = await runSeed(['--gateway', stack.gatewayUrl, ...ARGS, '--seed', '2'], { JWT_SECRET: 'not-the-key-of-this-gateway-0123456789abcdef' });
  expect(refused.code).toBe(1);
  expect(refused.out).toMatch(/the gateway refused the token .*set JWT_SECRET, or pass --token/);
  expect(await counts()).toEqual(before);
});
