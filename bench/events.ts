/**
 * The event path on the running system: a mutation accepted by the gateway → the read model in the
 * other subgraph shows it (createUser → movies' user_profiles), at a fixed rate; a burst's events/s
 * end to end; and resync throughput (users re-publishes every user to movies:user:replicate).
 */
import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import { ObjectId, type MongoClient } from 'mongodb';
import { Pool } from 'undici';
import { requestResync } from '../scripts/lib/resync-request';
import { watchArrivals } from './arrivals';
import { DATABASES, NAMESPACE } from './system';

const CREATE = 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }';
let n = 0;

/**
 * Sign-ups over one keep-alive pool with undici's `request`. The load generator shares the two
 * cores with every process of the system: with fetch (web streams, an AbortSignal per request) it
 * took 1.8–2.2 ms of CPU per mutation, measured, as much as the gateway itself; CPU taken from the
 * system it measures.
 */
function signUps(url: string) {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: 64 });
  const create = async (requestId?: string) => {
    const body = JSON.stringify({ query: CREATE, variables: { i: { email: `bench-ev-${process.pid}-${Date.now()}-${++n}@example.com`, fullName: `Event ${n}` } } });
    const res = await pool.request({ path: target.pathname, method: 'POST', body, headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) } });
    const answer = (await res.body.json()) as { data?: { createUser?: { id: string } }; errors?: unknown[] };
    if (answer.errors?.length || !answer.data?.createUser) throw new Error(`createUser answered ${res.statusCode}: ${JSON.stringify(answer.errors ?? answer)}`);
    return answer.data.createUser.id;
  };
  return { create, close: () => pool.close() };
}

/**
 * Resolves each id with the moment movies' read model first shows it. ONE poller asks for every id
 * still awaited in a single `_id: {$in}` read every 2 ms (indexed, on MongoDB and on our FerretDB
 * build): a poller per mutation, as before, sent thousands of reads a second at 100 mutations/s and
 * measured the bench's own load on FerretDB. Each id is given at most 30 s.
 */
function readModelWatcher(mongo: MongoClient) {
  const profiles = mongo.db(DATABASES.movies).collection('user_profiles');
  const waiting = new Map<string, { resolve: (t: number) => void; reject: (e: Error) => void; until: number }>();
  let running = false;
  const poll = async () => {
    running = true;
    while (waiting.size > 0) {
      const ids = [...waiting.keys()].slice(0, 500).map((id) => new ObjectId(id));
      const seen = await profiles.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
      const at = now();
      for (const doc of seen) { waiting.get(String(doc._id))?.resolve(at); waiting.delete(String(doc._id)); }
      for (const [id, w] of waiting) if (Date.now() > w.until) { w.reject(new Error(`user ${id} never reached movies' read model`)); waiting.delete(id); }
      await new Promise((r) => setTimeout(r, 2));
    }
    running = false;
  };
  return (id: string) => new Promise<number>((resolve, reject) => {
    waiting.set(id, { resolve, reject, until: Date.now() + 30_000 });
    if (!running) void poll().catch((err) => { running = false; for (const w of waiting.values()) w.reject(err); waiting.clear(); });
  });
}

/** Epoch ms on the monotonic clock: comparable with the services' span times (OpenTelemetry uses the same). */
const now = () => performance.timeOrigin + performance.now();

export const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10; };

/** One mutation's timeline as the bench saw it; `requestId` finds its spans (hops.ts). */
export interface Sample { requestId: string; sent: number; accepted: number; visible: number }

/** `rate` mutations/s for `count` mutations: accepted → visible, per mutation. */
export async function propagation(url: string, mongo: MongoClient, rate: number, count: number) {
  const samples: Sample[] = [];
  const started = performance.now();
  const runs: Promise<void>[] = [];
  let errors = 0;
  const tag = randomUUID().slice(0, 8);
  const visible = readModelWatcher(mongo);
  const { create, close } = signUps(url);
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    runs.push((async () => {
      const requestId = `bench-prop-${tag}-${i}`;
      const sent = now();
      // A refused or timed-out mutation is counted, not fatal: past FerretDB's write rate the
      // subgraph answers after the gateway's 10 s timeout, and that is a result to report.
      const id = await create(requestId).catch(() => undefined);
      if (id === undefined) return void errors++;
      const accepted = now();
      samples.push({ requestId, sent, accepted, visible: await visible(id) });
    })());
  }
  await Promise.all(runs).finally(close);
  const achieved = Math.round((count / ((performance.now() - started) / 1000)) * 10) / 10;
  const lags = samples.map((s) => s.visible - s.accepted);
  const accept = samples.map((s) => s.accepted - s.sent);
  return { rate, achievedRate: achieved, count, errors, p50: pct(lags, 50), p99: pct(lags, 99), mutationP50: pct(accept, 50), mutationP99: pct(accept, 99), samples };
}

/** `count` mutations, 16 in flight: first sent → last one visible in the read model. */
export async function burst(url: string, mongo: MongoClient, count: number) {
  const started = performance.now();
  const ids: string[] = [];
  let next = 0;
  let errors = 0;
  const { create, close } = signUps(url);
  // A failed mutation (the gateway's 10 s subgraph timeout, when FerretDB falls behind) is counted
  // and reported, not fatal; the rates count only the events that were written.
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next++ < count) await create().then((id) => ids.push(id), () => errors++);
  })).finally(close);
  const written = performance.now();
  const visible = readModelWatcher(mongo);
  await Promise.all(ids.map((id) => visible(id)));
  const done = performance.now();
  const ok = ids.length;
  return { events: ok, errors, mutationsPerS: Math.round(ok / ((written - started) / 1000)), endToEndPerS: Math.round(ok / ((done - started) / 1000)) };
}

/** Clears movies' user_profiles, asks users for a resync (as the operator: `operatorUrl`), waits until every user is back. */
export async function resync(mongo: MongoClient, operatorUrl: string) {
  // In id order, as users' snapshot publishes them (watchArrivals looks where the next ones are).
  const ids = (await mongo.db(DATABASES.users).collection('users').find({}, { projection: { _id: 1 } }).sort({ _id: 1 }).toArray()).map((d) => d._id as ObjectId);
  const source = ids.length;
  const replica = mongo.db(DATABASES.movies).collection('user_profiles');
  await replica.deleteMany({});
  const conn = await amqplib.connect(operatorUrl);
  try {
    const ch = await conn.createConfirmChannel();
    const started = performance.now();
    await requestResync(ch, { url: operatorUrl, namespace: NAMESPACE, queue: 'movies:user:replicate' });
    const { seen: have, done } = await watchArrivals(replica, ids, 120_000);
    const seconds = (done - started) / 1000;
    return { entities: source, applied: have, seconds: Math.round(seconds * 10) / 10, entitiesPerS: Math.round(have / seconds) };
  } finally {
    await conn.close().catch(() => undefined);
  }
}
