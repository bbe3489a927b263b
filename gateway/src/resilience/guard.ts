import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { isReadBody } from '../inflight-dedupe';
import type { SubgraphBreaker } from './breaker';
import { SubgraphUnavailableError, type UnavailableReason } from './unavailable';

export interface GuardOptions {
  name: string;
  breaker: SubgraphBreaker;
  /** Retries of a read whose connection was reset (0 or 1 in practice); mutations never retry. */
  readRetries: number;
  /** Counts fetches refused by an open breaker, and retries. */
  observe?: { rejected(subgraph: string): void; retried(subgraph: string): void };
}

/** A subgraph's 5xx: counted by the breaker like a transport failure. */
class SubgraphServerError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

// Resets: the peer closed a connection we were using (a keep-alive socket closed as we sent, a
// restarted subgraph). Not refusals or timeouts: a retry would only add to a subgraph that is down.
const RESETS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
export const isConnectionReset = (err: unknown) => RESETS.has((err as { code?: string })?.code ?? '') || RESETS.has((err as { cause?: { code?: string } })?.cause?.code ?? '');

function reasonOf(err: unknown): UnavailableReason {
  if (err instanceof SubgraphServerError) return 'server error';
  const name = (err as Error)?.name;
  return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unreachable';
}

/**
 * Puts a subgraph's fetcher behind its breaker: refused at once while the breaker is not closed;
 * otherwise run and counted (transport errors, timeouts and 5xx open it). A read (a query or an
 * `_entities` fetch: safe to send twice) whose connection was reset is sent once more after a
 * jittered pause. Every failure leaves as a SubgraphUnavailableError, which the data source turns
 * into a partial answer. When closed and the fetch succeeds, the cost is a property read and
 * cockatiel's two awaits.
 */
export function guardFetcher(fetcher: Fetcher, o: GuardOptions): Fetcher {
  const open = () => new SubgraphUnavailableError(o.name, 'circuit open');
  const send = async (url: string, init: Parameters<Fetcher>[1]): Promise<FetcherResponse> => {
    const res = await fetcher(url, init);
    if (res.status < 500) return res;
    await res.text().catch(() => undefined); // release the connection
    throw new SubgraphServerError(res.status);
  };
  const attempt = (url: string, init: Parameters<Fetcher>[1]) => {
    if (!o.breaker.closed) throw open(); // opened by another request meanwhile
    return o.breaker.execute(() => send(url, init));
  };
  // Decorrelated jitter (cockatiel's default generator) around 20 ms, at most 100 ms.
  const retryReads = retry(handleWhen(isConnectionReset), { maxAttempts: o.readRetries, backoff: new ExponentialBackoff({ initialDelay: 20, maxDelay: 100 }) });
  if (o.observe) retryReads.onRetry(() => o.observe!.retried(o.name));

  return (async (url, init = {}) => {
    if (!o.breaker.closed) {
      o.observe?.rejected(o.name);
      throw open();
    }
    try {
      if (o.readRetries > 0 && isReadBody(init.body)) return await retryReads.execute(() => attempt(url, init));
      return await attempt(url, init);
    } catch (err) {
      if (err instanceof SubgraphUnavailableError) throw err;
      throw new SubgraphUnavailableError(o.name, reasonOf(err), err);
    }
  }) as Fetcher;
}
