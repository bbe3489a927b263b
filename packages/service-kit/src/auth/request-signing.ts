import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { errorBody } from '../errors';
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

/** express.json `verify` hook: keeps the exact bytes the signature covers. */
export const keepRawBody = (req: IncomingMessage, _res: unknown, buf: Buffer) => {
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = buf;
};

const refuse = (res: Parameters<RequestHandler>[1], status: number, message: string) =>
  res.status(status).json(errorBody(message, 'UNAUTHENTICATED'));

/**
 * Refuses, before GraphQL sees it, any request the gateway did not sign (queries, mutations,
 * `_entities`, `_service` alike), and exposes the verified identity as `res.locals.identity`.
 */
export function requireGatewaySignature(secret: string): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST') return refuse(res, 405, 'only signed POST requests from the gateway are accepted');
    const identityHeader = req.get(IDENTITY_HEADER) ?? '';
    const raw = (req as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
    const problem = signatureProblem(secret, req.get(SIGNATURE_HEADER), identityHeader, raw);
    if (problem) return refuse(res, 401, `this subgraph answers only the gateway: ${problem}`);
    try {
      res.locals.identity = identityHeader ? decodeIdentity(identityHeader) : null;
    } catch {
      return refuse(res, 401, 'malformed identity');
    }
    next();
  };
}
