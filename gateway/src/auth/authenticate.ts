import type { RequestHandler } from 'express';
import { errorBody, type Logger } from '@cinema/service-kit';
import { TokenError, type TokenVerifier } from './tokens';

/**
 * Turns `Authorization: Bearer <jwt>` into `res.locals.identity`. No header means anonymous (public
 * fields stay public). A header that does not verify is never downgraded to anonymous: it is noted
 * here and refused by `refuseBadTokens`, which runs after the rate limit, so a flood of bad tokens is
 * throttled like anything else. Identity headers a client sends are never read: subgraphs get the
 * identity only from this, inside the gateway's signed request.
 */
export function authenticate(verify: TokenVerifier, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    res.locals.identity = null;
    const header = req.get('authorization');
    if (header === undefined) return next();
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header);
    if (!match) {
      res.locals.tokenProblem = 'expected "Authorization: Bearer <token>"';
      return next();
    }
    try {
      res.locals.identity = await verify(match[1]!);
    } catch (err) {
      if (!(err instanceof TokenError)) logger.error({ err }, 'token verification failed unexpectedly');
      res.locals.tokenProblem = err instanceof TokenError ? err.message : 'token could not be verified';
    }
    next();
  };
}

/** 401 for a request whose token did not verify (after the rate limit counted it). */
export const refuseBadTokens: RequestHandler = (_req, res, next) => {
  const problem = res.locals.tokenProblem as string | undefined;
  if (!problem) return next();
  res.status(401).set('www-authenticate', `Bearer error="invalid_token", error_description="${problem}"`).json(errorBody(problem, 'UNAUTHENTICATED'));
};
