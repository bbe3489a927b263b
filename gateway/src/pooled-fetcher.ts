import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { Pool } from 'undici';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { readBounded } from './bounded-body';

export interface PooledFetcherOptions {
  /** The subgraph's name, for error messages. */
  name: string;
  /** The subgraph's URL: one pool per origin. */
  url: string;
  /** Upper bound on open sockets to this subgraph; requests beyond it queue in the pool. */
  connections: number;
  /** Whole-request deadline: headers and body together. */
  timeoutMs: number;
  /** Largest answer read from this subgraph (SUBGRAPH_RESPONSE_LIMIT); a larger one fails the fetch. */
  maxResponseBytes?: number;
}

/** Raised for a fetch past its deadline; fetch telemetry counts `TimeoutError` as outcome=timeout. */
export class SubgraphTimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * Only what @apollo/gateway's RemoteGraphQLDataSource and our telemetry read from a response (ok,
 * status, statusText, headers.get, json, text): a WHATWG Response costs more to build than the
 * request it carries, on the small lookup.
 */
function response(url: string, status: number, raw: IncomingHttpHeaders, text: string): FetcherResponse {
  const headers = {
    get: (name: string) => {
      const v = raw[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
  return {
    url,
    status,
    ok: status >= 200 && status < 300,
    statusText: STATUS_CODES[status] ?? '',
    headers,
    bodyUsed: false,
    redirected: false,
    text: async () => text,
    json: async () => JSON.parse(text),
  } as unknown as FetcherResponse;
}

/**
 * A fetcher over undici's Pool `request` API: keep-alive sockets to one subgraph, reused across
 * requests, without the WHATWG fetch layer (Request/Headers/streams objects and AbortSignal.timeout,
 * which the profile of the small lookup showed as most of the gateway's own time).
 */
export function pooledFetcher(o: PooledFetcherOptions): Fetcher & { close(): Promise<void> } {
  const target = new URL(o.url);
  const path = `${target.pathname}${target.search}`;
  const pool = new Pool(target.origin, {
    connections: o.connections,
    keepAliveTimeout: 30_000,
    // Per-phase bounds in undici itself; the deadline below bounds the sum.
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
  });
  const timeout = () => new SubgraphTimeoutError(`subgraph ${o.name} did not answer within ${o.timeoutMs} ms`);
  const fetcher = async (url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; signal?: AbortSignal } = {}) => {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(timeout()), o.timeoutMs);
    // Only the breaker's probe brings a signal of its own (aborted when the gateway stops).
    const signal = init.signal ? AbortSignal.any([deadline.signal, init.signal]) : deadline.signal;
    try {
      const res = await pool.request({ path, method: (init.method ?? 'POST') as 'POST', headers: init.headers, body: init.body, signal });
      const text =
        o.maxResponseBytes === undefined
          ? await res.body.text()
          : await readBounded(res.body, {
              maxBytes: o.maxResponseBytes,
              contentLength: res.headers['content-length'] as string | undefined,
              subgraph: o.name,
              // Destroyed without a listener, undici's body would raise its abort as an uncaught error.
              discard: () => res.body.on('error', () => {}).destroy(),
            });
      return response(url, res.statusCode, res.headers, text);
    } catch (err) {
      const code = (err as { code?: string })?.code;
      if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') throw timeout();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };
  return Object.assign(fetcher as unknown as Fetcher, { close: () => pool.close() });
}
