import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { ExponentialBackoff } from 'cockatiel';
import { GraphQLError } from 'graphql';
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

type Init = Parameters<Fetcher>[1];

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

// Decorrelated jitter (cockatiel's default generator) around 20 ms, at most 100 ms.
const backoff = new ExponentialBackoff({ initialDelay: 20, maxDelay: 100 });
const pause = () => new Promise((r) => setTimeout(r, backoff.next().duration));

/**
 * Puts a subgraph's fetcher behind its breaker: refused at once while the breaker is not closed;
 * otherwise sent, and its outcome counted (transport errors, timeouts and 5xx open the breaker). A
 * read (a query or an `_entities` fetch: safe to send twice) whose connection was reset is sent
 * once more after a jittered pause. Every failure leaves as a SubgraphUnavailableError, which the
 * data source turns into a partial answer. A fetch that succeeds costs one property read and one
 * counter reset more than before.
 */
export function guardFetcher(fetcher: Fetcher, o: GuardOptions): Fetcher {
  const { breaker } = o;
  const refuse = () => {
    o.observe?.rejected(o.name);
    return new SubgraphUnavailableError(o.name, 'circuit open');
  };
  const guarded = async (url: string, init: Init, attempt: number): Promise<FetcherResponse> => {
    if (!breaker.closed) throw refuse();
    let res: FetcherResponse;
    try {
      res = await fetcher(url, init);
    } catch (err) {
      // The transport's own refusal of what the subgraph answered (SUBGRAPH_RESPONSE_TOO_LARGE: the
      // client asked too much): the subgraph is fine, and the error is the client's to see as is.
      if (err instanceof GraphQLError) {
        breaker.succeeded();
        throw err;
      }
      return recover(err, url, init, attempt);
    }
    if (res.status >= 500) {
      await res.text().catch(() => undefined); // release the connection
      return recover(new SubgraphServerError(res.status), url, init, attempt);
    }
    breaker.succeeded();
    return res;
  };
  const recover = async (err: unknown, url: string, init: Init, attempt: number): Promise<FetcherResponse> => {
    breaker.failed(err);
    if (attempt < o.readRetries && isConnectionReset(err) && isReadBody(init?.body)) {
      o.observe?.retried(o.name);
      await pause();
      return guarded(url, init, attempt + 1);
    }
    throw new SubgraphUnavailableError(o.name, reasonOf(err), err);
  };
  return ((url, init = {}) => guarded(url, init, 0)) as Fetcher;
}
