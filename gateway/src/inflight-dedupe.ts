import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { IDENTITY_HEADER } from '@cinema/serving';

/** A subgraph read: @apollo/gateway's query operations start with `query` or `{`, a mutation with `mutation`. */
export const isReadBody = (body: unknown): body is string =>
  typeof body === 'string' && (body.startsWith('{"query":"query') || body.startsWith('{"query":"{'));

/**
 * Coalesces identical subgraph reads that are in flight at the same moment: the same subgraph URL,
 * the same body (operation and variables) and the same caller identity get ONE request, whose
 * response every waiter shares. Nothing is kept once it answered: this is not a cache, a request
 * that starts after the answer arrived goes to the subgraph. Hive Gateway does this by default
 * (@graphql-tools/executor-http); under load, e.g. many clients opening the same page, it spares the
 * subgraphs and their database most of the identical work.
 *
 * Only reads: a body whose operation starts with `query` or `{` (@apollo/gateway's subgraph
 * operations; a mutation starts with `mutation`). The identity is part of the key, so one caller's
 * answer never reaches another. Needs a transport whose response `json()` parses anew on every call
 * (the pooled fetcher's), so each waiter gets its own objects to merge into its own result.
 */
export function dedupeInflight(transport: Fetcher): Fetcher {
  const inflight = new Map<string, Promise<FetcherResponse>>();
  return (url, init = {}) => {
    const body = init.body;
    if (!isReadBody(body)) return transport(url, init);
    const key = `${url}\n${init.headers?.[IDENTITY_HEADER] ?? ''}\n${body}`;
    let pending = inflight.get(key);
    if (!pending) {
      pending = transport(url, init).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  };
}
