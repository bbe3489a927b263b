import type { Logger } from '@cinema/config';
import type { Identity } from '@cinema/serving';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { decodeJwt } from 'jose';
import type { SubscriptionHub } from './hub';
import type { LiveStream } from './live-stream';
import type { SubscriptionMetrics } from './metrics';
import { prepareSubscription, type PrepareContext, type SubscribeRequest } from './prepare';
import { ClientQuotas, SubscribeRate } from './quotas';

export interface SubscriptionLimits {
  initTimeoutMs: number;
  maxPerConnection: number;
  maxPerClient: number;
  /** Subscribes per client within `subscribeWindowMs`, however quickly each one ends (quotas.ts). */
  subscribeRate: number;
  subscribeWindowMs: number;
  /** Unsent bytes a connection may hold (ws bufferedAmount, the SSE response's writableLength). */
  maxBufferedBytes: number;
  /** Largest client message on the WebSocket (a subscribe's query and variables). */
  maxMessageBytes: number;
}

export interface AdmissionOptions {
  hub: SubscriptionHub;
  limits: SubscriptionLimits;
  metrics: SubscriptionMetrics;
  logger: Logger;
  /** The gateway's JWT check (auth/tokens.ts): throws on a token that does not verify. */
  verify(token: string): Promise<Identity>;
  /** The API schema once loaded, and the rest of what a subscription is checked against. */
  context(): (PrepareContext & { schema: GraphQLSchema }) | undefined;
  /** The clock tolerance tokens are verified with (JWT_CLOCK_TOLERANCE_S), in ms. */
  tokenGraceMs: number;
}

/** How a transport reaches its client: its name (metrics), how to cut it off, whether it is behind. */
export interface TransportHooks {
  name: string;
  cut: () => void;
  congested: () => boolean;
}

export type Opened = { stream: LiveStream; document: DocumentNode; schema: GraphQLSchema };

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;
export const refusal = (message: string, code: string) => [new GraphQLError(message, { extensions: { code } })];
const unavailable = () => refusal('subscriptions are unavailable: this gateway has no link to the events now; try again shortly', 'SUBSCRIPTION_SOURCE_UNAVAILABLE');
export const isRefusal = (x: Opened | readonly GraphQLError[]): x is readonly GraphQLError[] => Array.isArray(x);

/**
 * What both transports do to admit a subscription: the caller's identity from a bearer token (none:
 * anonymous; one that does not verify: 'bad', refused by the transport, never downgraded), then
 * open(): the link is up, the document passes prepare.ts, the client is under its quota, the hub
 * has it live.
 */
export function subscriptionAdmission(o: AdmissionOptions) {
  const quotas = new ClientQuotas(o.limits.maxPerClient);
  const churn = new SubscribeRate(o.limits.subscribeRate, o.limits.subscribeWindowMs);
  const identify = async (header: unknown): Promise<Identity | null | 'bad'> => {
    if (header === undefined || header === null) return null;
    const m = typeof header === 'string' ? BEARER.exec(header) : null;
    return m ? o.verify(m[1]!).catch(() => 'bad' as const) : 'bad';
  };
  /**
   * Calls `end` when the token in `header` expires (its `exp`, plus the clock tolerance tokens are
   * verified with): a connection must not outlive its token, since payloads are answered as its
   * identity. Returns what cancels it. Nothing for an anonymous connection.
   */
  const untilExpiry = (header: unknown, end: () => void): (() => void) => {
    const m = typeof header === 'string' ? BEARER.exec(header) : null;
    const exp = m ? decodeJwt(m[1]!).exp : undefined;
    if (exp === undefined) return () => undefined;
    const timer = setTimeout(end, Math.min(2 ** 31 - 1, Math.max(0, exp * 1000 + o.tokenGraceMs - Date.now())));
    timer.unref();
    return () => clearTimeout(timer);
  };

  async function open(req: SubscribeRequest, identity: Identity | null, client: string, transport: TransportHooks): Promise<Opened | readonly GraphQLError[]> {
    const c = o.context();
    if (!c || !o.hub.available) return unavailable();
    // First, so that a client churning subscriptions costs a counter, not a check of each document.
    const wait = await churn.take(client);
    if (wait > 0) {
      o.metrics.dropped.inc({ reason: 'rate_limited' });
      return [new GraphQLError(`at most ${o.limits.subscribeRate} subscribes per client in ${o.limits.subscribeWindowMs / 1000} s: subscribe again in ${Math.ceil(wait / 1000)} s`, { extensions: { code: 'SUBSCRIBE_RATE_LIMITED', retryAfterMs: wait } })];
    }
    const prepared = prepareSubscription(req, identity, c);
    if (Array.isArray(prepared)) {
      o.metrics.dropped.inc({ reason: 'refused' });
      return prepared;
    }
    const { live, derived, document } = prepared as Exclude<typeof prepared, readonly GraphQLError[]>;
    if (!quotas.take(client)) return refusal(`at most ${o.limits.maxPerClient} subscriptions per client`, 'TOO_MANY_SUBSCRIPTIONS');
    let stream: LiveStream;
    try {
      stream = await o.hub.open(live, derived, identity, transport);
    } catch (err) {
      quotas.release(client);
      o.logger.warn({ err }, 'subscriptions: refused a subscription: its events could not be bound');
      return unavailable();
    }
    stream.whenEnded(() => quotas.release(client));
    return { stream, document, schema: c.schema };
  }

  return { identify, untilExpiry, open, limits: o.limits, logger: o.logger };
}

export type Admission = ReturnType<typeof subscriptionAdmission>;
