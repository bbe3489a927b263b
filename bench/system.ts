/**
 * Setting 2, the whole system: the real subgraphs (FerretDB, RabbitMQ) started by the project's own
 * stack launcher on bench databases and a broker namespace of their own, seeded once through the
 * public API (kept between runs: FerretDB seeds at a few mutations per second).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { adminHeaders, freePort, gql, TEST_JWT_SECRET, TEST_SIGNING_SECRET } from '@cinema/testing';
import { brokerAdminFor, provisionBrokerUsers, withoutCredentials } from '../scripts/lib/broker-users';
import { devBrokerAccess } from '../scripts/lib/dev-secrets';
import { startStack } from '../scripts/lib/stack';
import { ensureMongo, ensureRabbit, ROOT } from '../scripts/lib/infra';
import { pin, unpin } from './processes';

export const DATABASES = { users: 'bench_users', movies: 'bench_movies', catalog: 'bench_catalog' };
// BENCH_NAMESPACE: two bench runs on one shared broker must not consume each other's events.
export const NAMESPACE = process.env.BENCH_NAMESPACE ?? 'bench';
const SEED = { users: 10, movies: 10, reviewsPerMovie: 5, screeningsPerMovie: 2 };

/**
 * `env` adds to every service's environment (the event bench turns tracing on this way). `cores`
 * (the gateway rows) puts the stack and FerretDB there, so the gateway under test has its own core
 * alone; without it (the event path) every process may use every core, as in a two-core deployment:
 * every process of it is on the measured path.
 */
export async function startSystem(env: Record<string, string> = {}, cores?: string) {
  const [mongoUrl, amqpUrl] = [await ensureMongo(), await ensureRabbit()];
  // Each service logs in as its own development broker user, as `npm start` runs it.
  const broker = devBrokerAccess(withoutCredentials(amqpUrl));
  await provisionBrokerUsers(broker, brokerAdminFor(amqpUrl));
  const ports = { gateway: await freePort(), users: await freePort(), movies: await freePort(), catalog: await freePort() };
  const stack = await startStack({
    mongoUrl, broker, ports, databases: DATABASES,
    // BENCH_LOGS=1 keeps each service's warnings and errors in .data/bench-logs/<service>.log.
    output: process.env.BENCH_LOGS ? (service) => (mkdirSync(join(ROOT, '.data', 'bench-logs'), { recursive: true }), createWriteStream(join(ROOT, '.data', 'bench-logs', `${service}.log`), { flags: 'a' })) : undefined,
    env: { LOG_LEVEL: 'warn', AMQP_NAMESPACE: NAMESPACE, GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET, JWT_SECRET: TEST_JWT_SECRET, RATE_LIMIT: '0', ...env },
  });
  // The stack, and the FerretDB serving it (a MongoDB of the user's is left where it is): FerretDB
  // serves every query of the system rows, and one started before the bench would otherwise share the
  // gateway's core. RabbitMQ is the machine's service, left alone: those rows' only events are the mix's sign-ups.
  const ferretDb = ferretDbPid(mongoUrl);
  for (const pid of [...[...stack.processes.values()].map((c) => c.pid), ferretDb]) if (pid) cores ? pin(pid, cores) : unpin(pid);
  const mongo = await new MongoClient(mongoUrl).connect();
  const smallId = await seed(stack.gatewayUrl, mongo);
  // FerretDB outlives the run: whatever uses it next (the event part, the tests) gets every core back.
  const stop = async () => {
    await stack.stop();
    await mongo.close();
    if (ferretDb && cores) unpin(ferretDb);
  };
  return { stack, mongo, mongoUrl, amqpUrl, broker, smallId, stop };
}

/** The FerretDB serving `mongoUrl` on this machine, if it is one (a MongoDB of the user's is left alone). */
function ferretDbPid(mongoUrl: string): number | undefined {
  const { hostname, port } = new URL(mongoUrl);
  if (hostname !== '127.0.0.1') return undefined;
  const out = spawnSync('pgrep', ['-f', `ferretdb .*--listen-addr=127.0.0.1:${port || 27017} `], { encoding: 'utf8' }).stdout.trim();
  return out ? Number(out.split('\n')[0]) : undefined;
}

async function must(url: string, query: string, variables: Record<string, unknown>, retryMs = 0) {
  const deadline = Date.now() + retryMs;
  for (;;) {
    const res = await gql<any>(url, query, variables, await adminHeaders());
    if (!res.errors?.length) return res.data;
    if (Date.now() > deadline) throw new Error(`seed: ${JSON.stringify(res.errors)}`);
    await new Promise((r) => setTimeout(r, 100)); // the replica has not seen the referenced entity yet
  }
}

/** Drops the bench databases, so that every run starts from the same seed, not from what earlier runs added. */
export async function resetBenchData() {
  const mongo = await new MongoClient(await ensureMongo()).connect();
  try {
    for (const db of Object.values(DATABASES)) await mongo.db(db).dropDatabase();
  } finally {
    await mongo.close();
  }
}

/** Seeds the bench databases unless this run did already; returns a user id for the small lookup. */
async function seed(url: string, mongo: MongoClient): Promise<string> {
  const users = mongo.db(DATABASES.users).collection('users');
  const movieCount = await mongo.db(DATABASES.movies).collection('movies').countDocuments();
  if (movieCount >= SEED.movies) return String((await users.findOne({ email: 'bench-seed-0@example.com' }))!._id);
  process.stderr.write('› seeding the bench databases through the gateway…\n');
  const ids: string[] = [];
  for (let i = 0; i < SEED.users; i++) ids.push((await must(url, 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email: `bench-seed-${i}@example.com`, fullName: `Seed User ${i}` } })).createUser.id);
  const city = (await must(url, 'mutation($i: CreateCityInput!) { createCity(input: $i) { id } }', { i: { name: 'Bench City' } })).createCity.id;
  const cinemas: string[] = [];
  for (let c = 0; c < 2; c++) cinemas.push((await must(url, 'mutation($i: CreateCinemaInput!) { createCinema(input: $i) { id } }', { i: { cityId: city, name: `Bench Cinema ${c}` } })).createCinema.id);
  for (let m = 0; m < SEED.movies; m++) {
    const movieId = (await must(url, 'mutation($i: CreateMovieInput!) { createMovie(input: $i) { id } }', { i: { title: `Bench Movie ${m}`, durationMinutes: 100 + m, genres: ['drama', 'sci-fi'], synopsis: `Synopsis of bench movie ${m}, of an ordinary length.`, releaseDate: '2016-11-11' } })).createMovie.id;
    await Promise.all(Array.from({ length: SEED.reviewsPerMovie }, (_, r) => must(url, 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', { i: { movieId, authorId: ids[(m + r) % ids.length], rating: 1 + ((m + r) % 5), body: `Review ${r}: worth the ticket.` } }, 20_000)));
    await Promise.all(Array.from({ length: SEED.screeningsPerMovie }, (_, s) => must(url, 'mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id } }', { i: { cinemaId: cinemas[s % 2], movieId, startsAt: '2099-01-01T20:00:00Z', isPremiere: s === 0 } }, 20_000)));
  }
  return ids[0]!;
}
