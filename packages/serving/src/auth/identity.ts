import { GraphQLError } from 'graphql';
import { z } from 'zod';

/**
 * Who is calling, as the gateway verified it from a JWT. Subgraphs receive it in one header that the
 * gateway's request signature covers, so a client can never set it (see request-signing.ts).
 */
export interface Identity {
  sub: string;
  scopes: string[];
}

export const IDENTITY_HEADER = 'x-gateway-identity';
/** The `iss` and `aud` of development tokens (`npm run token`), the gateway's defaults without JWT_ISSUER/JWT_AUDIENCE. */
export const DEV_ISSUER = 'cinema-dev';
export const DEV_AUDIENCE = 'cinema-graph';
export const ADMIN_SCOPE = 'admin';

/** What a subgraph accepts as an identity; the gateway refuses tokens outside it, so both agree. */
export const identitySchema = z.object({
  sub: z.string().min(1).max(256),
  scopes: z.array(z.string().min(1).max(128)).max(64),
});

/**
 * The caller as part of a sharing or cache key: `sub` and its scopes in a stable order (the same
 * caller whatever order its token listed them in), null when anonymous.
 */
export const identityKey = (identity: Identity | null): [string, string[]] | null => (identity ? [identity.sub, [...identity.scopes].sort()] : null);

/** base64url(JSON): header-safe for any `sub` an identity provider may issue. */
export const encodeIdentity = (identity: Identity): string =>
  Buffer.from(JSON.stringify({ sub: identity.sub, scopes: identity.scopes })).toString('base64url');

/** Only ever called on a header whose signature was verified; a malformed one is still refused. */
export function decodeIdentity(header: string): Identity {
  const parsed = identitySchema.safeParse(JSON.parse(Buffer.from(header, 'base64url').toString('utf8')));
  if (!parsed.success) throw new Error('malformed identity header');
  return parsed.data;
}

export const hasScope = (identity: Identity | null, scope: string) => identity?.scopes.includes(scope) ?? false;

// No HTTP status on these: a subgraph answering 401/403 would make the gateway report a failed
// fetch instead of passing the error on. Whole-request refusals (a bad token) are 401 at the gateway.
export const unauthenticated = (message = 'authentication required') =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });

export const forbidden = (message: string) => new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
