import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** Real subscription clients against a running gateway: graphql-ws over WebSocket, graphql-sse over HTTP. */
export const wsUrl = (gatewayUrl: string) => gatewayUrl.replace(/^http/, 'ws');
/** SSE on /graphql itself (graphql-sse's client accepts only text/event-stream); /graphql/stream is tested by hand. */
export const sseUrl = (gatewayUrl: string) => gatewayUrl;

export function wsClient(gatewayUrl: string, authorization?: string): Client & { closed: Promise<{ code: number; reason: string }> } {
  let closed!: (e: { code: number; reason: string }) => void;
  const client = createWsClient({
    url: wsUrl(gatewayUrl),
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { Authorization: authorization } : {},
    retryAttempts: 0,
    lazy: false,
    on: { closed: (e) => closed(e as { code: number; reason: string }) },
    // Seen through `closed` instead of logged.
    onNonLazyError: () => undefined,
  });
  return Object.assign(client, { closed: new Promise<{ code: number; reason: string }>((r) => (closed = r)) });
}

export const sseClient = (gatewayUrl: string, authorization?: string) =>
  createSseClient({ url: sseUrl(gatewayUrl), headers: authorization ? { authorization } : {}, retryAttempts: 0 });

/** Collects what an iterator yields, in the background, until it ends or fails. */
export function collect<T>(it: AsyncIterableIterator<T>) {
  const seen: T[] = [];
  const done = (async () => {
    try {
      for await (const v of it) seen.push(v);
      return undefined;
    } catch (err) {
      return err;
    }
  })();
  return { seen, done, stop: () => it.return?.() };
}

/** Waits until `seen` has `n` items (bounded). */
export async function received<T>(seen: T[], n: number, timeoutMs = 10_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  while (seen.length < n) {
    if (Date.now() > deadline) throw new Error(`received ${seen.length} of ${n} within ${timeoutMs} ms: ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return seen;
}

/** Reads a gauge or counter (summed over its labels matching `labels`) from the gateway's /metrics. */
export async function metric(gatewayUrl: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(gatewayUrl.replace('/graphql', '/metrics'))).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (m && m[1] === name && (m[2] ?? '').includes(labels)) sum += Number(m[3]);
  }
  return sum;
}

/** Waits until the gateway counts `n` live subscriptions (a subscribe is asynchronous: no ack in either protocol). */
export async function activeSubscriptions(gatewayUrl: string, n: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await metric(gatewayUrl, 'gateway_subscriptions_active');
    if (v === n) return;
    if (Date.now() > deadline) throw new Error(`gateway_subscriptions_active is ${v}, not ${n}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
