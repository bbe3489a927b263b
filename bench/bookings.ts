/**
 * The booking saga on the running system (as `npm start` runs it: tracing off, every process free to
 * use both cores): bookings per second through the gateway, and the time from `bookSeats` sent to the
 * booking CONFIRMED (catalog → RabbitMQ → users' debit → RabbitMQ → catalog) at a steady rate.
 */
import { ObjectId, type MongoClient } from 'mongodb';
import { Pool } from 'undici';
import { adminHeaders, bearer, gql, mintToken } from '@cinema/testing';
import type { BenchConfig } from './config';
import { pct } from './events';
import { waitForQuiet } from './quiet';
import { DATABASES, startSystem } from './system';

const BOOK = 'mutation($i: BookSeatsInput!) { bookSeats(input: $i) { id } }';
const USERS = 50;
const SCREENINGS = 8;
const CAPACITY = 5_000;

async function admin(url: string, query: string, variables: Record<string, unknown>, retryMs = 0): Promise<any> {
  const deadline = Date.now() + retryMs;
  for (;;) {
    const res = await gql(url, query, variables, await adminHeaders());
    if (!res.errors?.length && res.data) return res.data;
    if (Date.now() > deadline) throw new Error(`bookings bench setup: ${JSON.stringify(res.errors)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** 50 users with a million credits each, 8 screenings of 5 000 seats: no booking waits on another's document. */
async function venue(url: string) {
  const tag = Math.random().toString(36).slice(2, 8);
  const { createMovie } = await admin(url, 'mutation($t: String!) { createMovie(input: { title: $t, durationMinutes: 100 }) { id } }', { t: `Bookings ${tag}` });
  const { createCity } = await admin(url, 'mutation($n: String!) { createCity(input: { name: $n }) { id } }', { n: `Bench Bookings ${tag}` });
  const { createCinema } = await admin(url, 'mutation($c: ID!, $n: Int!) { createCinema(input: { cityId: $c, name: "Bench Hall", capacity: $n }) { id } }', { c: createCity.id, n: CAPACITY });
  const screenings: string[] = [];
  for (let i = 0; i < SCREENINGS; i++) {
    const i_ = { cinemaId: createCinema.id, movieId: createMovie.id, startsAt: new Date(Date.now() + (30 + i) * 86_400_000).toISOString(), price: 1 };
    screenings.push((await admin(url, 'mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id } }', { i: i_ }, 20_000)).scheduleScreening.id);
  }
  const users: Array<{ id: string; token: string }> = [];
  for (let i = 0; i < USERS; i++) {
    const { createUser } = await admin(url, 'mutation($e: String!) { createUser(input: { email: $e, fullName: "Bench Booker" }) { id } }', { e: `bench-booker-${tag}-${i}@example.com` });
    await admin(url, 'mutation($u: ID!) { grantCredits(userId: $u, amount: 1000000, reason: "bench") { id } }', { u: createUser.id });
    users.push({ id: createUser.id, token: (bearer(await mintToken({ sub: createUser.id })) as { authorization: string }).authorization });
  }
  // The next booking's number: it picks the user, the screening and the seat, across both measurements.
  return { screenings, users, next: 0 };
}

/** Bookings over one keep-alive pool, each as its user (round robin), one new seat each. */
function bookings(url: string, place: Awaited<ReturnType<typeof venue>>) {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: 64 });
  const book = async () => {
    const i = place.next++;
    const user = place.users[i % USERS]!;
    const seat = 1 + Math.floor(i / SCREENINGS);
    const body = JSON.stringify({ query: BOOK, variables: { i: { screeningId: place.screenings[i % SCREENINGS], seats: [seat] } } });
    const res = await pool.request({ path: target.pathname, method: 'POST', body, headers: { 'content-type': 'application/json', authorization: user.token } });
    const answer = (await res.body.json()) as { data?: { bookSeats?: { id: string } }; errors?: unknown[] };
    if (answer.errors?.length || !answer.data?.bookSeats) throw new Error(`bookSeats answered ${res.statusCode}: ${JSON.stringify(answer.errors ?? answer)}`);
    return answer.data.bookSeats.id;
  };
  return { book, close: () => pool.close() };
}

/** Resolves each booking id with the moment it is no longer PENDING, and its status; one poller for all. */
function outcomeWatcher(mongo: MongoClient) {
  const collection = mongo.db(DATABASES.catalog).collection('bookings');
  const waiting = new Map<string, { resolve: (v: { at: number; status: string }) => void; until: number }>();
  let running = false;
  const poll = async () => {
    running = true;
    while (waiting.size > 0) {
      const ids = [...waiting.keys()].slice(0, 500).map((id) => new ObjectId(id));
      const done = await collection.find({ _id: { $in: ids }, status: { $ne: 'PENDING' } }, { projection: { status: 1 } }).toArray();
      const at = performance.now();
      for (const d of done) { waiting.get(String(d._id))?.resolve({ at, status: d.status }); waiting.delete(String(d._id)); }
      for (const [id, w] of waiting) if (Date.now() > w.until) { w.resolve({ at, status: 'TIMEOUT' }); waiting.delete(id); }
      await new Promise((r) => setTimeout(r, 5));
    }
    running = false;
  };
  return (id: string) => new Promise<{ at: number; status: string }>((resolve) => {
    waiting.set(id, { resolve, until: Date.now() + 60_000 });
    if (!running) void poll();
  });
}

/** `count` bookings at `rate`/s: bookSeats sent → answered (PENDING) → CONFIRMED, per booking. */
async function steady(url: string, mongo: MongoClient, place: Awaited<ReturnType<typeof venue>>, rate: number, count: number) {
  const { book, close } = bookings(url, place);
  const outcome = outcomeWatcher(mongo);
  const samples: Array<{ sent: number; accepted: number; done: number; status: string }> = [];
  let errors = 0;
  const started = performance.now();
  const runs: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setTimeout(r, Math.max(0, started + (i * 1000) / rate - performance.now())));
    runs.push((async () => {
      const sent = performance.now();
      const id = await book().catch(() => undefined);
      if (!id) return void errors++;
      const accepted = performance.now();
      const { at, status } = await outcome(id);
      samples.push({ sent, accepted, done: at, status });
    })());
  }
  await Promise.all(runs).finally(close);
  const confirmed = samples.filter((s) => s.status === 'CONFIRMED');
  const statuses = Object.fromEntries([...new Set(samples.map((s) => s.status))].map((st) => [st, samples.filter((s) => s.status === st).length]));
  return {
    rate, count, errors, statuses,
    achievedRate: Math.round((count / ((performance.now() - started) / 1000)) * 10) / 10,
    confirmedP50: pct(confirmed.map((s) => s.done - s.sent), 50), confirmedP99: pct(confirmed.map((s) => s.done - s.sent), 99),
    mutationP50: pct(samples.map((s) => s.accepted - s.sent), 50), mutationP99: pct(samples.map((s) => s.accepted - s.sent), 99),
  };
}

/** `count` bookings, 16 in flight: bookSeats answered per second, and confirmed per second end to end. */
async function burst(url: string, mongo: MongoClient, place: Awaited<ReturnType<typeof venue>>, count: number) {
  const { book, close } = bookings(url, place);
  const outcome = outcomeWatcher(mongo);
  const outcomes: Array<Promise<{ at: number; status: string }>> = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next++ < count) await book().then((id) => void outcomes.push(outcome(id)), () => errors++);
  })).finally(close);
  const answered = performance.now();
  const done = await Promise.all(outcomes);
  const last = Math.max(...done.map((d) => d.at));
  const confirmed = done.filter((d) => d.status === 'CONFIRMED').length;
  return { bookings: count, errors, confirmed, bookedPerS: Math.round(outcomes.length / ((answered - started) / 1000)), confirmedPerS: Math.round(confirmed / ((last - started) / 1000)) };
}

export async function bookingBench(cfg: BenchConfig) {
  const sys = await startSystem();
  try {
    const place = await venue(sys.stack.gatewayUrl);
    const quiet = await waitForQuiet(sys.amqpUrl, sys.mongo);
    const atRate = await steady(sys.stack.gatewayUrl, sys.mongo, place, cfg.bookings.rate, cfg.bookings.count);
    await waitForQuiet(sys.amqpUrl, sys.mongo);
    const b = await burst(sys.stack.gatewayUrl, sys.mongo, place, cfg.bookings.burst);
    return { quiet, steady: atRate, burst: b };
  } finally {
    await sys.stop();
  }
}
