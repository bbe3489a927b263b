/**
 * `npm run seed [-- --users 300 --movies 200 --reviews 3000 --cities 8 --cinemas 30 --screenings 1000]`:
 * a realistic data set, created through the gateway's GraphQL API as an admin, the same every time
 * (seeded), and only once (a second run finds what the first created: README, "Try it").
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEV_AUDIENCE, DEV_ISSUER } from '@cinema/serving';
import { ADMIN, mintToken } from '@cinema/testing';
import { DEV_SECRETS_FILE, devSecrets } from '../lib/dev-secrets';
import { GatewayClient, SeedError } from './client';
import { planSeed, sizeProblem, type Sizes } from './plan';
import { progress } from './progress';
import { seed } from './seed';

const DEFAULTS = { users: 300, movies: 200, reviews: 3000, cities: 8, cinemas: 30, screenings: 1000 };
const USAGE = `usage: npm run seed -- [--gateway <url>] [--token <jwt>]
  [--users ${DEFAULTS.users}] [--movies ${DEFAULTS.movies}] [--reviews ${DEFAULTS.reviews}] [--cities ${DEFAULTS.cities}] [--cinemas ${DEFAULTS.cinemas}] [--screenings ${DEFAULTS.screenings}]
  [--seed 1] [--start 2030-01-07] [--batch 15] [--concurrency 4]
The same options give the same data; running again creates only what is missing.`;

async function adminToken(given: string | undefined): Promise<string> {
  if (given) return given;
  if (process.env.JWT_JWKS_URL) throw new SeedError('JWT_JWKS_URL is set: pass an admin token of your identity provider with --token (or SEED_TOKEN)');
  if (!process.env.JWT_SECRET && !existsSync(DEV_SECRETS_FILE)) {
    throw new SeedError(`no development key: ${DEV_SECRETS_FILE} is made by \`npm start\`; for another stack set JWT_SECRET, or pass --token`);
  }
  const secret = process.env.JWT_SECRET ?? devSecrets().JWT_SECRET;
  return mintToken({ sub: ADMIN.sub, scopes: ['admin'], expiresIn: 3600, secret, issuer: process.env.JWT_ISSUER ?? DEV_ISSUER, audience: process.env.JWT_AUDIENCE ?? DEV_AUDIENCE });
}

async function main(): Promise<void> {
  const option = (fallback: string) => ({ type: 'string' as const, default: fallback });
  const { values } = parseArgs({
    options: {
      gateway: option('http://127.0.0.1:4000/graphql'),
      token: { type: 'string', default: process.env.SEED_TOKEN },
      ...Object.fromEntries(Object.entries(DEFAULTS).map(([k, v]) => [k, option(String(v))])),
      seed: option('1'),
      start: option('2030-01-07'),
      batch: option('15'),
      concurrency: option('4'),
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(USAGE);
  const number = (name: string) => Number(values[name as keyof typeof values]);
  const sizes = Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, number(k)])) as unknown as Sizes;
  const problem = sizeProblem(sizes);
  if (problem) throw new SeedError(`${problem}\n${USAGE}`);
  const start = new Date(`${values.start}T00:00:00Z`);
  // Screenings are found again by listing upcoming ones: a past one would be created on every run.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(String(values.start)) || !(start.getTime() > Date.now())) throw new SeedError('--start must be a future date, YYYY-MM-DD');
  for (const [name, max] of [['batch', 15], ['concurrency', 16]] as const) {
    if (!Number.isInteger(number(name)) || number(name) < 1 || number(name) > max) throw new SeedError(`--${name} must be 1..${max}`);
  }
  if (!Number.isInteger(number('seed'))) throw new SeedError('--seed must be a whole number');

  // The gateway first: "nothing answers there" is the likelier mistake, and says what to start.
  await GatewayClient.ready(String(values.gateway));
  const client = new GatewayClient(String(values.gateway), await adminToken(values.token as string | undefined));
  const plan = planSeed(sizes, number('seed'), start);
  const started = Date.now();
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  const results = await seed(client, plan, { batch: number('batch'), concurrency: number('concurrency'), progress: progress(total) });
  const s = client.stats;
  const waited = s.throttled ? `, ${s.throttled} waits for the gateway's rate limit (${(s.throttledMs / 1000).toFixed(0)} s)` : '';
  console.log(`✓ seeded through ${client.url} in ${((Date.now() - started) / 1000).toFixed(1)} s (${s.requests} requests${waited})`);
  for (const r of results) {
    console.log(`  ${r.name.padEnd(11)} ${String(r.planned).padStart(6)} planned ${String(r.existed).padStart(6)} existed ${String(r.created).padStart(6)} created  ${r.seconds.toFixed(1)} s`);
  }
}

main().catch((err) => {
  console.error(`\n✗ ${err instanceof SeedError ? err.message : (err as Error).stack}`);
  process.exit(1);
});
