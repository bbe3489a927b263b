import type { Logger } from '@cinema/config';
import { refuse, type GraphQLStep } from '@cinema/serving';
import { TokenError, type TokenVerifier } from './tokens';

const MALFORMED = 'expected "Authorization: Bearer <token>"';

/**
 * Turns `Authorization: Bearer <jwt>` into the exchange's `identity`. No header means anonymous (public
 * fields stay public). A header that does not verify is never downgraded to anonymous: it is noted
 * here and refused by `refuseBadTokens`, which runs after the rate limit, so a flood of bad tokens is
 * throttled like anything else. Identity headers a client sends are never read: subgraphs get the
 * identity only from this, inside the gateway's signed request.
 */
export function authenticate(verify: TokenVerifier, logger: Logger): GraphQLStep {
  return async (x) => {
    x.identity = null;
    const header = x.req.headers.authorization;
    if (header === undefined) return;
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header);
    if (!match) {
      x.tokenProblem = MALFORMED;
      return;
    }
    try {
      x.identity = await verify(match[1]!);
    } catch (err) {
      if (!(err instanceof TokenError)) logger.error({ err }, 'token verification failed unexpectedly');
      x.tokenProblem = err instanceof TokenError ? err.message : 'token could not be verified';
    }
  };
}

/**
 * RFC 6750's challenge. Its error_description allows printable ASCII except `"` and `\` (no
 * escaping at all), and Node refuses any header value beyond Latin-1 (a "≤" in it was a 500): so
 * quotes become apostrophes, backslashes slashes, anything else outside 0x20-0x7E a "?".
 */
export function bearerChallenge(problem: string): string {
  const error = problem === MALFORMED ? 'invalid_request' : 'invalid_token';
  const description = problem.slice(0, 200).replace(/"/g, "'").replace(/\\/g, '/').replace(/[^\x20-\x7e]/g, '?');
  return `Bearer error="${error}", error_description="${description}"`;
}

/** 401 for a request whose token did not verify (after the rate limit counted it). */
export const refuseBadTokens: GraphQLStep = (x) => {
  if (!x.tokenProblem) return;
  refuse(x.res, 401, x.tokenProblem, 'UNAUTHENTICATED', { 'www-authenticate': bearerChallenge(x.tokenProblem) });
};
