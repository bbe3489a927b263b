import type { RequestHandler } from 'express';
import type { Logger } from '@cinema/service-kit';
import { TokenError, type TokenVerifier } from './tokens';

/**
 * Turns `Authorization: Bearer <jwt>` into `res.locals.identity` before anything else runs. No header
 * means anonymous (public fields stay public); a header that does not verify is refused with 401 at
 * once, never downgraded to anonymous. Identity headers a client sends are never read: subgraphs get
 * the identity only from this, inside the gateway's signed request.
 */
export function authenticate(verify: TokenVerifier, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (header === undefined) {
      res.locals.identity = null;
      return next();
    }
    const refuse = (message: string) =>
      res
        .status(401)
        .set('www-authenticate', `Bearer error="invalid_token", error_description="${message}"`)
        .json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header);
    if (!match) return refuse('expected "Authorization: Bearer <token>"');
    try {
      res.locals.identity = await verify(match[1]!);
      next();
    } catch (err) {
      if (!(err instanceof TokenError)) logger.error({ err }, 'token verification failed unexpectedly');
      refuse(err instanceof TokenError ? err.message : 'token could not be verified');
    }
  };
}
