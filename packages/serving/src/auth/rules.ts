import { ADMIN_SCOPE, forbidden, hasScope, unauthenticated, type Identity } from './identity';

/*
 * The rules a schema directive cannot express (they depend on the data: "the user themself").
 * Resolvers call them; @authenticated/@requiresScopes are checked generically by the policy plugin.
 */

export function requireIdentity(identity: Identity | null): Identity {
  if (!identity) throw unauthenticated();
  return identity;
}

export function requireAdmin(identity: Identity | null): Identity {
  const who = requireIdentity(identity);
  if (!hasScope(who, ADMIN_SCOPE)) throw forbidden(`this needs the ${ADMIN_SCOPE} scope`);
  return who;
}

/** The user themself (token `sub` = user id) or an admin. */
export function requireSelfOrAdmin(identity: Identity | null, userId: string, what: string): Identity {
  const who = requireIdentity(identity);
  if (who.sub !== userId && !hasScope(who, ADMIN_SCOPE)) throw forbidden(`only the user themself or an admin may ${what}`);
  return who;
}

/** For reads: the same rule without throwing. */
export const isSelfOrAdmin = (identity: Identity | null, userId: string) =>
  identity !== null && (identity.sub === userId || hasScope(identity, ADMIN_SCOPE));
