/**
 * Subscriptions on the running system (as `npm start` runs it): `connections` graphql-ws clients of
 * `perConnection` subscriptions each, `movieUpdated` over `movies` movies (each movie's update goes to
 * connections × perConnection / movies subscribers), while updateMovie runs at `rate`/s through the
 * gateway. Per payload: from the mutation answered (its write committed, its event recorded) to the
 * payload received by the client; deliveries/s; the gateway's peak RSS and CPU meanwhile.
 */
import { createClient, type Client } from 'graphql-ws';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { adminHeaders, gql } from '@cinema/testing';
import type { BenchConfig } from './config';
import { pct } from './events';
import { sampleResources } from './processes';
import { startSystem } from './system';

const UPDATE = 'mutation($id: ID!, $t: String!) { updateMovie(id: $id, input: { title: $t }) { id } }';
const SUBSCRIPTION = 'subscription($id: ID!) { movieUpdated(id: $id) { id title } }';

export async function subscriptionBench(cfg: BenchConfig) {
  const { connections, perConnection, movies: movieCount, rate, seconds } = cfg.subscriptions;
  // One anonymous client from one address holds every subscription, all opened at once: the per-client limits are raised.
  const all = String(connections * perConnection);
  const sys = await startSystem({ SUBSCRIPTION_MAX_PER_CLIENT: all, SUBSCRIPTION_SUBSCRIBE_RATE: all });
  const url = sys.stack.gatewayUrl;
  const clients: Client[] = [];
  try {
    const movies: string[] = [];
    for (let i = 0; i < movieCount; i++) {
      const res = await gql<any>(url, 'mutation($t: String!) { createMovie(input: { title: $t, durationMinutes: 100 }) { id } }', { t: `Live ${i}` }, await adminHeaders());
      movies.push(res.data.createMovie.id);
    }
    // When each title's mutation was sent and answered, and every payload's arrival.
    const sent = new Map<string, { at: number; answered?: number }>();
    const arrivals: Array<{ title: string; at: number }> = [];
    let started = 0;
    for (let c = 0; c < connections; c++) {
      const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
      clients.push(client);
      for (let s = 0; s < perConnection; s++) {
        const id = movies[(c * perConnection + s) % movieCount]!;
        client.subscribe<{ movieUpdated: { title: string } }>({ query: SUBSCRIPTION, variables: { id } }, {
          next: (r) => void (started && r.data?.movieUpdated && arrivals.push({ title: r.data.movieUpdated.title, at: performance.now() })),
          error: () => undefined,
          complete: () => undefined,
        });
      }
    }
    // Every subscription live (its keys bound): one update of each movie reaches all of them.
    const live = await waitForSubscribers(url, connections * perConnection);
    const measure = async (at: number) => {
      arrivals.length = 0;
      sent.clear();
      const before = await gatewayHistogram(url);
      const r = await measureAt(url, movies, at, seconds, sys.stack.processes.get('gateway')!.pid!, sent, arrivals, (v) => (started = v), (connections * perConnection) / movieCount);
      return { ...r, inGateway: diffQuantiles(before, await gatewayHistogram(url)) };
    };
    // At the asked rate, then at one the write path sustains on this machine (below its saturation).
    const asked = await measure(rate);
    const sustained = await measure(cfg.subscriptions.sustainedRate);
    return { connections, subscribers: live, movies: movieCount, asked, sustained };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await sys.stop();
  }
}

async function waitForSubscribers(url: string, n: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
    const live = [...text.matchAll(/^gateway_subscriptions_active\{[^}]*\} (\d+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);
    if (live >= n) return live;
    if (Date.now() > deadline) throw new Error(`only ${live} of ${n} subscriptions live`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

type Sent = Map<string, { at: number; answered?: number }>;

/** updateMovie at `rate`/s for `seconds`, paced; then waits for every payload (bounded) and sums up. */
async function measureAt(url: string, movies: string[], rate: number, seconds: number, gateway: number, sent: Sent, arrivals: Array<{ title: string; at: number }>, start: (at: number) => void, fanOut: number) {
  const sample = sampleResources(gateway);
  const pool = new Pool(new URL(url).origin, { connections: 16 });
  const auth = (await adminHeaders()).authorization;
  const count = rate * seconds;
  const started = performance.now();
  start(started);
  const runs: Promise<void>[] = [];
  let errors = 0;
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setTimeout(r, Math.max(0, started + (i * 1000) / rate - performance.now())));
    const title = `Live ${rate}/s #${i}`;
    const entry: { at: number; answered?: number } = { at: performance.now() };
    sent.set(title, entry);
    runs.push(
      pool
        .request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify({ query: UPDATE, variables: { id: movies[i % movies.length], t: title } }) })
        .then(async (res) => {
          const body = (await res.body.json()) as { errors?: unknown[] };
          if (body.errors?.length) errors++;
          else entry.answered = performance.now();
        }, () => void errors++),
    );
  }
  await Promise.all(runs);
  const achievedRate = Math.round((count / ((performance.now() - started) / 1000)) * 10) / 10;
  const expected = (count - errors) * fanOut;
  const deadline = performance.now() + 30_000;
  // Only this measurement's payloads (a late one of the previous is not counted).
  const mine = () => arrivals.filter((a) => sent.has(a.title));
  while (mine().length < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const got = mine();
  const elapsed = (Math.max(...got.map((a) => a.at)) - started) / 1000;
  const resources = sample();
  await pool.close();
  const fromAnswer = got.flatMap((a) => (sent.get(a.title)?.answered !== undefined ? [a.at - sent.get(a.title)!.answered!] : []));
  const fromSent = got.flatMap((a) => (sent.has(a.title) ? [a.at - sent.get(a.title)!.at] : []));
  return {
    rate, seconds, mutations: count, mutationErrors: errors, achievedRate, expectedPayloads: expected, payloads: got.length,
    deliveriesPerS: Math.round(got.length / elapsed),
    committedToPayloadP50: pct(fromAnswer, 50), committedToPayloadP99: pct(fromAnswer, 99),
    sentToPayloadP50: pct(fromSent, 50), sentToPayloadP99: pct(fromSent, 99),
    gatewayPeakRssMb: resources.peakRssMb, gatewayCpuPct: resources.cpuPct,
  };
}

/** The gateway's gateway_subscription_answer_seconds buckets (cumulative counts by upper bound). */
async function gatewayHistogram(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
  const buckets = new Map<string, number>();
  for (const m of text.matchAll(/^gateway_subscription_answer_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\} (\d+)$/gm)) buckets.set(m[1]!, (buckets.get(m[1]!) ?? 0) + Number(m[2]));
  return buckets;
}

/** p50 and p99 of the gateway's own part over a measurement, as the bucket bound they fall under (ms). */
function diffQuantiles(before: Map<string, number>, after: Map<string, number>) {
  const rows = [...after].map(([le, n]) => [le, n - (before.get(le) ?? 0)] as const).sort((a, b) => Number(a[0]) - Number(b[0]));
  const total = rows.at(-1)?.[1] ?? 0;
  const under = (q: number) => { const le = rows.find(([, n]) => n >= q * total)?.[0]; return le === '+Inf' || le === undefined ? '>1000' : `≤${Number(le) * 1000}`; };
  return { p50Ms: under(0.5), p99Ms: under(0.99) };
}
