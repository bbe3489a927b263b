import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { gql } from '@cinema/testing';
import type { Call, LoadOp } from './load';
import type { ChaosStack } from './stack';
import { tag } from './workload';

/**
 * Subscribers beside the load, as a client of the live graph would be: `movieUpdated` on a few movies
 * of their own, over graphql-ws through the gateway, resubscribing after a subscription ends
 * (SUBSCRIPTION_SOURCE_LOST while the gateway's broker link is down) or its connection drops.
 *
 * The watched movies are renamed by the load (`op`), one write in flight per movie, each title ending
 * in a sequence number, so the order of their writes is known. A payload is the graph's answer when it
 * is sent (it may skip ahead to a newer title, never go back): every subscriber must see each movie's
 * numbers never decrease. After the system has converged, one more rename per movie must reach every
 * subscriber (deliveries resumed after the faults; nothing stuck).
 */
const SUBSCRIBE = 'subscription($id: ID!) { movieUpdated(id: $id) { id title } }';
const RENAME = 'mutation($id: ID!, $t: String!) { updateMovie(id: $id, input: { title: $t }) { id } }';
const seqOf = (title: string) => Number(/ #(\d+)$/.exec(title)?.[1] ?? NaN);
/** graphql-ws hands the sink GraphQL errors (a refused subscribe), a CloseEvent, or an Error. */
const reasonOf = (err: unknown) =>
  Array.isArray(err) ? String(err[0]?.extensions?.code ?? err[0]?.message) : (err as { code?: number })?.code !== undefined ? `close ${(err as { code: number }).code}` : String((err as Error)?.message ?? err);

interface Watched { id: string; name: string; seq: number; busy: boolean }
interface Seen { last: number; payloads: number; back: string[] }

export function movieWatch(stack: ChaosStack, o = { movies: 3, connections: 2 }) {
  const watched: Watched[] = [];
  const clients: Client[] = [];
  const seen = new Map<string, Seen>(); // `${connection}/${movieId}`
  const ended = new Map<string, number>(); // why subscriptions ended, counted
  let stopped = false;
  const send = (query: string, variables: Record<string, unknown>) => gql(stack.gatewayUrl, query, variables, stack.headers, 15_000);

  function follow(client: Client, c: number, movie: Watched) {
    const key = `${c}/${movie.id}`;
    const s: Seen = seen.get(key) ?? { last: -1, payloads: 0, back: [] };
    seen.set(key, s);
    client.subscribe<{ movieUpdated: { title: string } | null }>({ query: SUBSCRIBE, variables: { id: movie.id } }, {
      next: ({ data, errors }) => {
        const code = (errors?.[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code;
        if (code) ended.set(code, (ended.get(code) ?? 0) + 1);
        const title = data?.movieUpdated?.title;
        if (title === undefined) return;
        const n = seqOf(title);
        s.payloads++;
        if (n < s.last) s.back.push(`#${n} after #${s.last}`);
        s.last = Math.max(s.last, n);
      },
      error: (err) => again(`error ${reasonOf(err)}`),
      complete: () => again('completed'),
    });
    function again(why: string) {
      ended.set(why, (ended.get(why) ?? 0) + 1);
      if (!stopped) setTimeout(() => !stopped && follow(client, c, movie), 500);
    }
  }

  async function rename(call: (q: string, v: Record<string, unknown>) => Promise<unknown>, movie: Watched): Promise<boolean> {
    movie.busy = true;
    const ok = Boolean(await call(RENAME, { id: movie.id, t: `${movie.name} #${++movie.seq}` }));
    // A failed write may still commit later: never write this movie again, so its order stays known.
    movie.busy = !ok;
    return ok;
  }

  const op: LoadOp = {
    name: 'renameWatchedMovie',
    weight: 12,
    async run(call: Call) {
      const free = watched.filter((m) => !m.busy);
      const movie = free[Math.floor(Math.random() * free.length)];
      if (movie) await rename(call, movie);
    },
  };

  return {
    op,
    /** The watched movies created and every connection subscribed to each. */
    async start(): Promise<void> {
      for (let i = 0; i < o.movies; i++) {
        const name = `Watched ${tag()}`;
        const res = await send('mutation($t: String!) { createMovie(input: { title: $t, durationMinutes: 90 }) { id } }', { t: `${name} #0` });
        if (!res.data?.createMovie) throw new Error(`chaos: could not create a watched movie: ${JSON.stringify(res.errors)}`);
        watched.push({ id: res.data.createMovie.id, name, seq: 0, busy: false });
      }
      for (let c = 0; c < o.connections; c++) {
        const client = createClient({
          url: stack.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: stack.headers.authorization },
          lazy: false, retryAttempts: 1_000, shouldRetry: () => true, retryWait: () => new Promise((r) => setTimeout(r, 500)), onNonLazyError: () => undefined,
        });
        clients.push(client);
        for (const movie of watched) follow(client, c, movie);
      }
      await new Promise((r) => setTimeout(r, 1_000)); // subscribed (bound) before the load renames
    },
    /** After convergence: one more rename per movie must reach every subscriber within `ms`. */
    async check(ms = 20_000): Promise<{ lost: string[]; unexpected: string[]; note: string }> {
      // Every movie, those with a failed write too: the system is quiet now, so the probe is the last write.
      const failed: string[] = [];
      const probes: Watched[] = [];
      for (const m of watched) {
        const res = await send(RENAME, { id: m.id, t: `${m.name} #${++m.seq}` }).catch((err: Error) => ({ data: undefined, errors: [{ message: err.message }] }));
        if (res.data?.updateMovie) probes.push(m);
        else failed.push(`the final rename of movie ${m.id} failed once the system had converged: ${JSON.stringify(res.errors).slice(0, 200)}`);
      }
      const missing = () => probes.flatMap((m) => clients.map((_, c) => [c, m] as const)).filter(([c, m]) => (seen.get(`${c}/${m.id}`)?.last ?? -1) < m.seq);
      const deadline = Date.now() + ms;
      while (missing().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const all = [...seen.values()];
      const back = all.flatMap((s) => s.back);
      const note =
        `subscriptions: ${o.connections} connections × ${watched.length} movies, ${all.reduce((n, s) => n + s.payloads, 0)} payloads` +
        `${ended.size ? `; ended and resubscribed: ${[...ended].map(([why, n]) => `${n} ${why}`).join(', ')}` : ''}`;
      return {
        lost: missing().map(([c, m]) => `subscriber ${c} never received movie ${m.id}'s last rename (#${m.seq}; last seen #${seen.get(`${c}/${m.id}`)?.last})`),
        unexpected: [...failed, ...(back.length ? [`a subscriber saw a movie's title go back: ${back.slice(0, 3).join(', ')}`] : [])],
        note,
      };
    },
    async stop(): Promise<void> {
      stopped = true;
      await Promise.all(clients.map((c) => c.dispose()));
    },
  };
}
