import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { refuse, type GraphQLExchange, type GraphQLStep } from '../graphql-route';
import { decodeIdentity, IDENTITY_HEADER } from './identity';

/**
 * Subgraphs answer only the gateway: every gateway → subgraph request carries
 *   x-gateway-signature: t=<unix ms>,n=<nonce>,v2=<hex HMAC-SHA256(key, "v2" LF subgraph LF t LF nonce LF sha256(identity) LF sha256(body))>
 * with the key of that one subgraph (each subgraph knows only its own), covering the target's name
 * (a request captured on its way to one subgraph is refused by another), the body and the identity
 * header (neither can be forged or swapped), and a nonce the subgraph remembers for the signature's
 * lifetime (a replay to the same process is refused). The header is checked before the body is
 * read, the MAC before the body is parsed. Instances behind one URL each remember their own nonces:
 * a replay to another instance within MAX_SIGNATURE_AGE_MS gets through (docs/decisions.md).
 */
export const SIGNATURE_HEADER = 'x-gateway-signature';
export const MAX_SIGNATURE_AGE_MS = 30_000;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
// Most requests are anonymous: the empty identity's hash is computed once.
const EMPTY = sha256('');
const mac = (key: string, subgraph: string, t: string, nonce: string, identity: string, body: string | Buffer) =>
  createHmac('sha256', key)
    .update(`v2\n${subgraph}\n${t}\n${nonce}\n${identity === '' ? EMPTY : sha256(identity)}\n${sha256(body)}`)
    .digest();

export function signRequest(key: string, subgraph: string, body: string, identity = '', now = Date.now(), nonce = randomBytes(16).toString('base64url')): string {
  const t = String(now);
  return `t=${t},n=${nonce},v2=${mac(key, subgraph, t, nonce, identity, body).toString('hex')}`;
}

interface Parsed {
  t: string;
  nonce: string;
  hex: string;
}

/** The header's parts if it is well formed and fresh; otherwise why not. */
function parse(header: string | undefined, now: number): Parsed | string {
  const match = header ? /^t=(\d{1,16}),n=([A-Za-z0-9_-]{16,64}),v2=([0-9a-f]{64})$/.exec(header) : null;
  if (!match) return header ? 'malformed signature' : 'missing signature';
  const [, t, nonce, hex] = match as unknown as [string, string, string, string];
  return Math.abs(now - Number(t)) > MAX_SIGNATURE_AGE_MS ? 'signature expired' : { t, nonce, hex };
}

/**
 * Nonces seen within a signature's lifetime. A nonce may be replayed while its `t` is within
 * MAX_SIGNATURE_AGE_MS of now, so up to twice that after it was first seen: two generations, each
 * that long, are kept (memory: the requests of 2–4 lifetimes; at 1 000 requests/s, about 10 MB).
 */
export class NonceCache {
  private current = new Set<string>();
  private previous = new Set<string>();
  private rotatedAt: number;

  constructor(now = Date.now()) {
    this.rotatedAt = now;
  }

  /** Remembers `nonce`; false when it was seen already. */
  remember(nonce: string, now = Date.now()): boolean {
    if (now - this.rotatedAt >= 2 * MAX_SIGNATURE_AGE_MS) {
      this.previous = now - this.rotatedAt >= 4 * MAX_SIGNATURE_AGE_MS ? new Set() : this.current;
      this.current = new Set();
      this.rotatedAt = now;
    }
    if (this.current.has(nonce) || this.previous.has(nonce)) return false;
    this.current.add(nonce);
    return true;
  }
}

/**
 * Why a request's signature is refused, or undefined when it is valid: `keys` are the subgraph's
 * current key and, during a rotation, its previous one; `subgraph` its own name.
 */
export function signatureProblem(keys: readonly string[], subgraph: string, header: string | undefined, identity: string, body: Buffer, now = Date.now(), nonces?: NonceCache) {
  const parsed = parse(header, now);
  if (typeof parsed === 'string') return parsed;
  const given = Buffer.from(parsed.hex, 'hex');
  const valid = keys.some((key) => timingSafeEqual(mac(key, subgraph, parsed.t, parsed.nonce, identity, body), given));
  if (!valid) return 'wrong signature';
  if (nonces && !nonces.remember(parsed.nonce, now)) return 'replayed signature';
  return undefined;
}

export interface GatewaySignatureOptions {
  /** This subgraph's name as the supergraph knows it: part of what is signed. */
  subgraph: string;
  /** Its key, then (during a rotation) its previous key: both are accepted. */
  keys: readonly string[];
  /** Told each refusal's reason (missing, malformed, expired, wrong, replayed, …), for a metric. */
  onRefused?: (reason: string) => void;
}

const REASONS: Record<string, string> = {
  'missing signature': 'missing',
  'malformed signature': 'malformed',
  'signature expired': 'expired',
  'wrong signature': 'wrong',
  'replayed signature': 'replayed',
};

/**
 * The signature check in the route's three places: before the body is read (a request without a
 * well-formed, fresh header is refused without reading it), before it is parsed (the MAC over its
 * exact bytes, then the nonce), and after, for a request whose body was not read as JSON (the MAC
 * over what was read, if anything). Exposes the verified identity as the exchange's `identity`.
 */
export function requireGatewaySignature(o: GatewaySignatureOptions): { beforeBody: GraphQLStep; beforeParse: GraphQLStep; afterBody: GraphQLStep } {
  if (o.keys.length === 0) throw new Error('a subgraph needs its signing key');
  const nonces = new NonceCache();
  const verified = new WeakSet<GraphQLExchange>();
  const unauthenticated = (x: GraphQLExchange, status: number, reason: string, message = `this subgraph answers only the gateway: ${reason}`) => {
    o.onRefused?.(REASONS[reason] ?? reason);
    refuse(x.res, status, message, 'UNAUTHENTICATED');
  };
  const verify: GraphQLStep = (x) => {
    if (verified.has(x)) return;
    const identityHeader = header(x.req.headers[IDENTITY_HEADER]) ?? '';
    const problem = signatureProblem(o.keys, o.subgraph, header(x.req.headers[SIGNATURE_HEADER]), identityHeader, x.rawBody ?? Buffer.alloc(0), Date.now(), nonces);
    if (problem) return unauthenticated(x, 401, problem);
    try {
      x.identity = identityHeader ? decodeIdentity(identityHeader) : null;
    } catch {
      return unauthenticated(x, 401, 'identity', 'malformed identity');
    }
    verified.add(x);
  };
  return {
    beforeBody: (x) => {
      if (x.req.method !== 'POST') return unauthenticated(x, 405, 'method', 'only signed POST requests from the gateway are accepted');
      const parsed = parse(header(x.req.headers[SIGNATURE_HEADER]), Date.now());
      if (typeof parsed === 'string') return unauthenticated(x, 401, parsed);
    },
    beforeParse: verify,
    afterBody: verify,
  };
}

/** A header node:http may give as a list (repeated): its first value, as express's `req.get` did. */
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
