import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { refuse, type GraphQLStep } from '../graphql-route';
import { decodeIdentity, IDENTITY_HEADER } from './identity';

/**
 * Subgraphs answer only the gateway: every gateway → subgraph request carries
 *   x-gateway-signature: t=<unix ms>,v1=<hex HMAC-SHA256(secret, "v1:" t ":" sha256(identity) ":" sha256(body))>
 * covering the body and the identity header, so neither a query nor an identity can be forged or
 * swapped. `t` bounds replays to a short window (a captured request can be replayed within it: use TLS
 * between gateway and subgraphs when the network is not trusted).
 */
export const SIGNATURE_HEADER = 'x-gateway-signature';
export const MAX_SIGNATURE_AGE_MS = 60_000;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
// Most requests are anonymous: the empty identity's hash is computed once.
const EMPTY = sha256('');
const mac = (secret: string, t: string, identity: string, body: string | Buffer) =>
  createHmac('sha256', secret).update(`v1:${t}:${identity === '' ? EMPTY : sha256(identity)}:${sha256(body)}`).digest();

export function signRequest(secret: string, body: string, identity = '', now = Date.now()): string {
  const t = String(now);
  return `t=${t},v1=${mac(secret, t, identity, body).toString('hex')}`;
}

/** Why a request's signature is refused, or undefined when it is valid. */
export function signatureProblem(secret: string, header: string | undefined, identity: string, body: Buffer, now = Date.now()) {
  const match = header ? /^t=(\d{1,16}),v1=([0-9a-f]{64})$/.exec(header) : null;
  if (!match) return header ? 'malformed signature' : 'missing signature';
  const [, t, hex] = match as unknown as [string, string, string];
  if (Math.abs(now - Number(t)) > MAX_SIGNATURE_AGE_MS) return 'signature expired';
  const expected = mac(secret, t, identity, body);
  return timingSafeEqual(expected, Buffer.from(hex, 'hex')) ? undefined : 'wrong signature';
}

/**
 * Refuses, before GraphQL sees it, any request the gateway did not sign (queries, mutations,
 * `_entities`, `_service` alike), and exposes the verified identity as the exchange's `identity`.
 */
export function requireGatewaySignature(secret: string): GraphQLStep {
  const unauthenticated = (x: Parameters<GraphQLStep>[0], status: number, message: string) => refuse(x.res, status, message, 'UNAUTHENTICATED');
  return (x) => {
    if (x.req.method !== 'POST') return unauthenticated(x, 405, 'only signed POST requests from the gateway are accepted');
    const identityHeader = header(x.req.headers[IDENTITY_HEADER]) ?? '';
    const problem = signatureProblem(secret, header(x.req.headers[SIGNATURE_HEADER]), identityHeader, x.rawBody ?? Buffer.alloc(0));
    if (problem) return unauthenticated(x, 401, `this subgraph answers only the gateway: ${problem}`);
    try {
      x.identity = identityHeader ? decodeIdentity(identityHeader) : null;
    } catch {
      return unauthenticated(x, 401, 'malformed identity');
    }
  };
}

/** A header node:http may give as a list (repeated): its first value, as express's `req.get` did. */
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
