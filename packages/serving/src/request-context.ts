import type { BaseContext } from '@apollo/server';
import type { Logger } from 'pino';
import type { Identity } from './auth/identity';

/** What every resolver of every service gets: the request's id (the correlation id), its logger, its caller. */
export interface RequestContext extends BaseContext {
  requestId: string;
  logger: Logger;
  /** Verified caller (gateway: from the JWT; subgraph: from the gateway's signed header), or null. */
  identity: Identity | null;
}
