import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from './auth/identity';

/** What the key may depend on: the request (headers, method) and the caller the gateway verified. */
export interface SharingRequest {
  req: IncomingMessage;
  identity: Identity | null;
}

/** One answer as written: what a request that shares it gets, byte for byte. */
export interface WrittenAnswer {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer | string;
}

/**
 * What the service decides for sharing answers between identical requests in flight at the same
 * moment (the gateway's inbound deduplication): which requests are identical, and which answers
 * every one of them would have got alike. The route (graphql-route.ts) does the rest.
 */
export interface AnswerSharing {
  /**
   * The key of a request whose answer may be shared (the same key: the same answer), or undefined:
   * it runs alone. Called with the body parsed, after the before-body steps (the caller verified).
   */
  keyOf(x: SharingRequest, body: unknown): string | undefined;
  /** A request was answered with another's answer (metrics). */
  shared?(): void;
}

/**
 * Where a request's context holds its verdict. Apollo runs each operation on a shallow copy of the
 * context object (so no identity check of the context works), but the copy holds this same object.
 */
const VERDICT = Symbol('answer may be shared');
type Verdict = { shareable: boolean };

/** The context Apollo will run with, carrying a verdict (false until `allowSharing`). */
export function withVerdict<C extends object>(context: C): { context: C; verdict: Verdict } {
  const verdict = { shareable: false };
  return { context: Object.assign(context, { [VERDICT]: verdict }), verdict };
}

/**
 * Called by the service (an Apollo plugin, on the response) when this answer is what every request
 * with the same key would have got: only then do waiting requests get it.
 */
export function allowSharing(context: object): void {
  const verdict = (context as { [VERDICT]?: Verdict })[VERDICT];
  if (verdict) verdict.shareable = true;
}

/**
 * The answers being computed, by key. A request whose key is here waits for that answer instead of
 * executing; nothing stays once the answer is written (not a cache: a request arriving after it runs
 * anew). An answer the service does not call shareable resolves its waiters with undefined: each then
 * runs on its own.
 */
export class InflightAnswers {
  private readonly pending = new Map<string, Promise<WrittenAnswer | undefined>>();

  /** The answer another request is computing for this key, if any. */
  waitFor(key: string): Promise<WrittenAnswer | undefined> | undefined {
    return this.pending.get(key);
  }

  /** This request computes the key's answer: `done` with it (or undefined) exactly once. */
  lead(key: string): (answer: WrittenAnswer | undefined) => void {
    let resolve!: (a: WrittenAnswer | undefined) => void;
    this.pending.set(key, new Promise((r) => (resolve = r)));
    return (answer) => {
      this.pending.delete(key);
      resolve(answer);
    };
  }

  get size(): number {
    return this.pending.size;
  }
}

/** Writes a shared answer: the leader's status, headers and bytes (headers the steps set stay). */
export function writeAnswer(res: ServerResponse, answer: WrittenAnswer): void {
  for (const [key, value] of answer.headers) res.setHeader(key, value);
  res.statusCode = answer.status;
  res.setHeader('content-length', typeof answer.body === 'string' ? Buffer.byteLength(answer.body) : answer.body.length);
  res.end(answer.body);
}
