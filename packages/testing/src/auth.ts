import { SignJWT } from 'jose';
import { gql } from './graphql';
import { DEV_AUDIENCE, DEV_ISSUER, encodeIdentity, IDENTITY_HEADER, SIGNATURE_HEADER, signRequest, type Identity } from '@cinema/serving';

/** Secrets for test servers only: every test process and the stacks it starts share them. */
export const TEST_SIGNING_SECRET = 'test-only-signing-secret-0123456789abcdef';
export const TEST_JWT_SECRET = 'test-only-jwt-secret-0123456789abcdef0123';

export const ADMIN: Identity = { sub: '000000000000000000000000', scopes: ['admin'] };
export const userIdentity = (sub: string, scopes: string[] = []): Identity => ({ sub, scopes });

export interface MintOptions {
  sub: string;
  scopes?: string[];
  secret?: string;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for an already expired token. */
  expiresIn?: number;
  alg?: 'HS256' | 'HS384' | 'HS512';
}

/** An HS* JWT as the development identity provider would issue it (`npm run token` uses this too). */
export async function mintToken(o: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: (o.scopes ?? []).join(' ') })
    .setProtectedHeader({ alg: o.alg ?? 'HS256', typ: 'JWT' })
    .setSubject(o.sub)
    .setIssuer(o.issuer ?? DEV_ISSUER)
    .setAudience(o.audience ?? DEV_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (o.expiresIn ?? 3600))
    .sign(new TextEncoder().encode(o.secret ?? TEST_JWT_SECRET));
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Headers for calling subgraph `subgraph` directly as the gateway would, signed over the exact body (a new nonce each time). */
export const asGateway =
  (subgraph: string, identity: Identity | null = ADMIN, secret = TEST_SIGNING_SECRET) =>
  (body: string): Record<string, string> => {
    const id = identity ? encodeIdentity(identity) : '';
    return { ...(id ? { [IDENTITY_HEADER]: id } : {}), [SIGNATURE_HEADER]: signRequest(secret, subgraph, body, id) };
  };

/** The gateway's security options for test servers: test secrets, default limits, no rate limit. */
export const testGatewaySecurity = () => ({
  signingSecret: TEST_SIGNING_SECRET,
  tokens: { secret: TEST_JWT_SECRET, algorithms: ['HS256'], issuer: DEV_ISSUER, audience: DEV_AUDIENCE, clockToleranceSeconds: 5 },
  limits: { maxDepth: 12, maxAliases: 15, maxDirectives: 50, maxTokens: 2_000, maxCost: 50_000, rateLimit: 0, rateWindowMs: 60_000 },
});

/** POSTs to subgraph `subgraph` at `url` directly, signed as the gateway would, on behalf of `identity` (an admin by default). */
export const gatewayGql = <T = Record<string, any>>(
  subgraph: string,
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
  identity: Identity | null = ADMIN,
) => gql<T>(url, query, variables, (body) => ({ ...headers, ...asGateway(subgraph, identity)(body) }));

let adminToken: Promise<string> | undefined;
/** `Authorization` for an admin with the test JWT secret (one token per test process). */
export const adminHeaders = async () => bearer(await (adminToken ??= mintToken({ sub: ADMIN.sub, scopes: ADMIN.scopes })));

/** gatewayGql for one subgraph: `(url, query, variables?, headers?, identity?)`, signed for `subgraph`. */
export const gatewayGqlFor =
  (subgraph: string) =>
  <T = Record<string, any>>(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}, identity: Identity | null = ADMIN) =>
    gatewayGql<T>(subgraph, url, query, variables, headers, identity);
