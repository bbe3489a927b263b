import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { identitySchema, type Identity } from '@cinema/serving';

export interface TokenOptions {
  /** Shared key (development): HS256/384/512. */
  secret?: string;
  /** Identity provider's key set (production): RS*, ES*, PS*, EdDSA. */
  jwksUrl?: string;
  algorithms: string[];
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
}

/** Why a token was refused, in words a client can act on; never the token or the key. */
export class TokenError extends Error {}

/** OAuth 2 `scope` (space-separated) or `scp` (a list), whichever the issuer uses. */
function scopesOf(payload: JWTPayload): string[] {
  const { scope, scp } = payload as { scope?: unknown; scp?: unknown };
  if (typeof scope === 'string') return scope.split(' ').filter(Boolean);
  if (Array.isArray(scp)) return scp.filter((s): s is string => typeof s === 'string');
  return [];
}

function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token not accepted: claim "${err.claim}" ${err.reason === 'missing' ? 'is missing' : 'does not match'}`;
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature invalid';
  if (err instanceof errors.JWKSNoMatchingKey) return 'token signed with an unknown key';
  if (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError)) return 'token could not be verified';
  return 'token malformed';
}

/**
 * Verifies a bearer token with jose: signature (explicit algorithm allow-list, so `alg: none` and
 * algorithm confusion are refused), issuer, audience, expiry with a small clock tolerance, and a subject.
 */
export function createTokenVerifier(o: TokenOptions) {
  const key = o.jwksUrl
    ? createRemoteJWKSet(new URL(o.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 })
    : new TextEncoder().encode(o.secret ?? '');
  return async function verify(token: string): Promise<Identity> {
    try {
      const { payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
        algorithms: o.algorithms,
        issuer: o.issuer,
        audience: o.audience,
        clockTolerance: o.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      const identity = identitySchema.safeParse({ sub: payload.sub, scopes: scopesOf(payload) });
      // Refused here, as a token problem, rather than by every subgraph as a malformed header.
      if (!identity.success) throw new TokenError('token claims out of bounds (sub of 1-256 characters, at most 64 scopes of 1-128)');
      return identity.data;
    } catch (err) {
      if (err instanceof TokenError) throw err;
      throw new TokenError(reason(err));
    }
  };
}
export type TokenVerifier = ReturnType<typeof createTokenVerifier>;
