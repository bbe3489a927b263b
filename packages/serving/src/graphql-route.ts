import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import bytes from 'bytes';
import { parse as parseContentType } from 'content-type';
import proxyaddr from 'proxy-addr';
import getRawBody from 'raw-body';
import type { Logger } from 'pino';
import type { Identity } from './auth/identity';
import { errorBody } from './errors';
import { InflightAnswers, withVerdict, writeAnswer, type AnswerSharing, type WrittenAnswer } from './shared-answers';

/**
 * One request to /graphql as the steps before and after the body see it: the node:http request
 * and response untouched, plus what the steps learnt. Express is not on this path: its
 * per-request prototype swap (req/res onto express's own prototypes) made V8's property accesses
 * megamorphic across the whole process: without it the gateway answers a small federated query
 * about 1.6× as often (docs/decisions.md).
 */
export interface GraphQLExchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** The client's address: the socket's, or X-Forwarded-For's as far as `trustProxy` trusts it. */
  readonly ip: string;
  /** The verified caller (gateway: from the JWT; subgraph: from the gateway's signed header), or null. */
  identity: Identity | null;
  /** Why the caller's credentials were not accepted, for a later step to refuse (after counting it). */
  tokenProblem?: string;
  /** The body's exact bytes (a signature covers them); set once the body is read. */
  rawBody?: Buffer;
}

/**
 * Admission control as the route uses it (the gateway's admission/ implements it): `enter` says
 * `true` (run now), `'full'` (refuse with 503) or a promise (queued: `true` once admitted, `false` if
 * the client left); `leave` once per admitted request when it has answered; `close` at stop.
 */
export interface AdmissionGate {
  enter(res: ServerResponse): true | 'full' | Promise<boolean>;
  leave(): void;
  close(): void;
}

/** A step refuses by answering (`refuse`); the route stops at the first step that answered. */
export type GraphQLStep = (x: GraphQLExchange) => void | Promise<void>;

/** A JSON error body in the GraphQL shape, with its status and any extra headers. */
export function refuse(res: ServerResponse, status: number, message: string, code: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(errorBody(message, code));
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export interface GraphQLRouteOptions<C extends BaseContext> {
  apollo: ApolloServer<C>;
  logger: Logger;
  bodyLimit?: string;
  /** Express's `trust proxy` values: true, a hop count, or addresses/subnets (comma-separated). */
  trustProxy?: boolean | number | string;
  beforeBody: GraphQLStep[];
  /** Run on the body's exact bytes (`rawBody`) before they are parsed (a signature check). */
  beforeParse?: GraphQLStep[];
  afterBody: GraphQLStep[];
  /** Runs the rest of the request (the after-body steps and Apollo) inside the request's span. */
  around: (req: IncomingMessage, res: ServerResponse, rest: () => Promise<void>) => Promise<void>;
  context: (x: GraphQLExchange) => Promise<C>;
  /** Holds requests back while the worker is out of CPU; after the before-body steps. */
  admission?: AdmissionGate;
  /** Largest answer sent, in bytes: a larger one is replaced by a RESPONSE_TOO_LARGE error (never cut short). */
  responseLimit?: number;
  /** Identical requests in flight at once share one answer (shared-answers.ts); none when absent. */
  share?: AnswerSharing;
}

/** Is this request for the GraphQL endpoint (`/graphql`, any query string)? */
export const isGraphQLPath = (url = '') => {
  const path = url.split('?', 1)[0]!;
  return path === '/graphql' || path === '/graphql/';
};

/**
 * The GraphQL endpoint on plain node:http: before-body steps (cheap refusals first) → body (size
 * limit, content encoding, UTF-8; before-parse steps on its bytes; JSON) → after-body steps →
 * Apollo's executeHTTPGraphQLRequest.
 * It keeps what express.json and @as-integrations/express5 did: the same limits, refusals and
 * error bodies; a body that is not JSON reaches Apollo empty, which answers 400.
 */
export function graphqlRoute<C extends BaseContext>(o: GraphQLRouteOptions<C>) {
  const limit = bytes.parse(o.bodyLimit ?? '1mb') ?? 1_048_576;
  const trust = compileTrust(o.trustProxy ?? false);
  const inflight = o.share && new InflightAnswers();
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let ip: string | undefined;
    const x: GraphQLExchange = {
      req,
      res,
      identity: null,
      get ip() {
        return (ip ??= proxyaddr(req, trust));
      },
    };
    let admitted = false;
    // Set while this request computes an answer others may be waiting for: called exactly once.
    let lead: ((answer: WrittenAnswer | undefined) => void) | undefined;
    let sharedAnswer: WrittenAnswer | undefined;
    try {
      for (const step of o.beforeBody) if ((await step(x), res.headersSent)) return;
      let body: unknown;
      let read = false;
      if (o.share && inflight) {
        // With sharing the body is read before admission: a request that gets another's answer
        // executes nothing, so it needs no place in the window.
        body = await readJsonBody(req, x, limit, o.beforeParse ?? []);
        read = true;
        if (res.headersSent) return;
        const key = o.share.keyOf(x, body);
        const waiting = key === undefined ? undefined : inflight.waitFor(key);
        if (waiting) {
          const answer = await waiting;
          if (answer) {
            o.share.shared?.();
            return await o.around(req, res, async () => writeAnswer(res, answer));
          }
          // Not shareable (errors, a refusal, a failure): this request runs on its own.
        } else if (key !== undefined) lead = inflight.lead(key);
      }
      if (o.admission) {
        const entry = o.admission.enter(res);
        if (entry === 'full') return refuse(res, 503, 'Too many requests are waiting: retry shortly', 'SERVICE_UNAVAILABLE', { 'retry-after': '1' });
        admitted = entry === true || (await entry);
        if (!admitted) return; // the client left while waiting
      }
      if (!read) body = await readJsonBody(req, x, limit, o.beforeParse ?? []);
      if (res.headersSent) return;
      await o.around(req, res, async () => {
        for (const step of o.afterBody) if ((await step(x), res.headersSent)) return;
        if (!lead) return void (await answer(o, req, res, body, () => o.context(x)));
        let verdict = { shareable: false };
        const written = await answer(o, req, res, body, async () => {
          const own = withVerdict(await o.context(x));
          verdict = own.verdict;
          return own.context;
        });
        if (written && verdict.shareable) sharedAnswer = written;
      });
    } catch (err) {
      const refusal = bodyRefusal(err);
      if (!refusal) o.logger.error({ err }, 'GraphQL request failed unexpectedly');
      if (res.headersSent) return void res.destroy();
      const [status, message, code] = refusal ?? [500, 'Internal server error', 'INTERNAL_SERVER_ERROR'];
      refuse(res, status, message, code);
    } finally {
      lead?.(sharedAnswer);
      if (admitted) o.admission!.leave();
    }
  };
}

/**
 * Apollo's answer, written as @as-integrations/express5 wrote it (no ETag: answers are not cached by
 * validators). Returns what it wrote when that was one complete 200 answer within the limit (what
 * a request sharing it may get), else undefined.
 */
async function answer<C extends BaseContext>(o: GraphQLRouteOptions<C>, req: IncomingMessage, res: ServerResponse, body: unknown, context: () => Promise<C>): Promise<WrittenAnswer | undefined> {
  const { apollo } = o;
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: q < 0 ? '' : url.slice(q), body },
    context,
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    // http.ts's stringifyResult makes a Buffer; a string is still written right.
    let body = response.body.string as string | Buffer;
    let length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    let whole = res.statusCode === 200;
    if (o.responseLimit !== undefined && length > o.responseLimit) {
      o.logger.warn({ bytes: length, limit: o.responseLimit }, 'answer over RESPONSE_LIMIT withheld');
      body = Buffer.from(JSON.stringify(responseTooLarge(length, o.responseLimit)));
      length = body.length;
      res.statusCode = 200; // as for any execution error: the operation ran
      whole = false;
    }
    res.setHeader('content-length', length);
    res.end(body);
    return whole ? { status: 200, headers: [...response.headers], body } : undefined;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
  return undefined;
}

/**
 * What a client gets instead of an answer over the limit: a GraphQL error it can act on, not a body
 * cut short. The operation did run (a mutation's change stands), so it is an execution error: data null.
 */
export const responseTooLarge = (bytes: number, limit: number) => ({
  data: null,
  ...errorBody(
    `the answer (${bytes} bytes) exceeds the gateway's limit of ${limit} bytes (RESPONSE_LIMIT) and was not sent; any change the operation made stands: ask for fewer items`,
    'RESPONSE_TOO_LARGE',
  ),
});

/** Thrown for a body the client got wrong; `bodyRefusal` turns it into the answer. */
class BodyError extends Error {
  constructor(readonly status: number, message: string, readonly code = 'BAD_REQUEST') {
    super(message);
  }
}

/**
 * A POST's JSON body, as express.json read it: only `application/json` (anything else is left for
 * Apollo to refuse), UTF-8 only, gzip/deflate/br inflated, at most `limit` bytes (inflated), an
 * object or an array at the top. No body or an empty one is `{}`.
 */
async function readJsonBody(req: IncomingMessage, x: GraphQLExchange, limit: number, beforeParse: GraphQLStep[]): Promise<unknown> {
  if (req.method !== 'POST' || !req.headers['content-type']) return undefined;
  let type;
  try {
    type = parseContentType(req.headers['content-type']);
  } catch {
    return undefined;
  }
  if (type.type !== 'application/json') return undefined;
  const charset = (type.parameters.charset ?? 'utf-8').toLowerCase();
  if (charset !== 'utf-8' && charset !== 'utf8') throw new BodyError(415, `unsupported charset "${charset.toUpperCase()}"`);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const inflate = { gzip: createGunzip, deflate: createInflate, br: createBrotliDecompress }[encoding];
  if (!inflate && encoding !== 'identity') throw new BodyError(415, 'unsupported content encoding');
  // pipeline: a client that aborts mid-body errors the inflater too, so the read cannot hang.
  const stream = inflate ? pipeline(req, inflate(), () => {}) : req;
  const raw = await getRawBody(stream, { limit, length: inflate ? undefined : req.headers['content-length'] });
  if (!isUtf8(raw)) throw new BodyError(400, 'request body is not valid UTF-8');
  x.rawBody = raw;
  for (const step of beforeParse) if ((await step(x), x.res.headersSent)) return undefined;
  const text = raw.toString('utf8');
  if (text.trim() === '') return {};
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') throw new BodyError(400, 'malformed request body');
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError(400, 'malformed request body');
  }
}

/** The answer to a body problem (ours or raw-body's / zlib's), or undefined for anything else. */
function bodyRefusal(err: unknown): [number, string, string] | undefined {
  if (err instanceof BodyError) return [err.status, err.message, err.code];
  const e = err as { status?: number; type?: string; code?: string };
  if (e?.type === 'entity.too.large' || e?.status === 413) return [413, 'request body too large', 'PAYLOAD_TOO_LARGE'];
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return [e.status, 'malformed request body', 'BAD_REQUEST'];
  // zlib: the body claimed an encoding it is not in.
  if (typeof e?.code === 'string' && e.code.startsWith('Z_')) return [400, 'malformed request body', 'BAD_REQUEST'];
  return undefined;
}

/** Express's `trust proxy` setting as proxy-addr's trust function (the same rules express applies). */
function compileTrust(value: boolean | number | string): (addr: string, i: number) => boolean {
  if (value === true) return () => true;
  if (value === false) return () => false;
  if (typeof value === 'number') return (_addr, i) => i < value;
  return proxyaddr.compile(value.split(',').map((v) => v.trim()));
}
