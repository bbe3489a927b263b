import { randomUUID } from 'node:crypto';
import type { Logger } from '@cinema/config';
import type { Identity, Policy } from '@cinema/serving';
import type { ServiceMetrics } from '@cinema/telemetry';
import type { GraphQLSchema, ParseOptions, ValidationRule } from 'graphql';
import { SubscriptionHub, type Execute } from './hub';
import { readLiveFields } from './live-fields';
import { subscriptionMetrics } from './metrics';
import { subscriptionTransports, type SubscriptionLimits } from './transports';

export { startEventLink } from './event-link';
export { SOURCE_LOST, type SubscriptionHub } from './hub';
export { SLOW_CONSUMER_CLOSE, SSE_PATH, type SubscriptionLimits } from './transports';

export interface SubscriptionOptions extends SubscriptionLimits {
  /** Payloads a subscriber may have waiting (unsent) before it is cut off. */
  maxQueued: number;
  /** Largest payload in bytes (its JSON); beyond it the subscriber gets PAYLOAD_TOO_LARGE instead. */
  maxPayloadBytes: number;
}

/**
 * The gateway's subscriptions (docs/subscriptions.md): which fields the supergraph feeds from
 * events, the hub that answers them and the two transports. The caller feeds the hub from the
 * broker (startEventLink) and gives the executor once its server is built.
 */
export function createSubscriptions(o: {
  supergraphSdl: string;
  options: SubscriptionOptions;
  logger: Logger;
  metrics?: ServiceMetrics;
  policy: Policy;
  validationRules: readonly ValidationRule[];
  parseOptions: ParseOptions;
  verify: (token: string) => Promise<Identity>;
  /** JWT_CLOCK_TOLERANCE_S in ms: a connection ends this long after its token's exp. */
  tokenGraceMs: number;
  schema: () => GraphQLSchema | undefined;
  run: (query: string, variables: Record<string, unknown>, base: { requestId: string; identity: Identity | null; logger: Logger }) => ReturnType<Execute>;
}) {
  const fields = readLiveFields(o.supergraphSdl);
  const metrics = subscriptionMetrics(o.metrics);
  // The event's correlation id as the request id (when it is one: printable, ≤ 128), so the payload's
  // subgraph requests and log lines carry the correlation of the change that caused them.
  const execute: Execute = (query, variables, identity, correlationId) => {
    const requestId = correlationId && /^[\x21-\x7e]{1,128}$/.test(correlationId) ? correlationId : randomUUID();
    return o.run(query, variables, { requestId, identity, logger: o.logger.child({ correlationId: requestId }) });
  };
  const hub = new SubscriptionHub(fields, { execute, logger: o.logger, metrics, maxQueued: o.options.maxQueued, maxPayloadBytes: o.options.maxPayloadBytes });
  const transports = subscriptionTransports({
    hub,
    limits: o.options,
    metrics,
    logger: o.logger,
    verify: o.verify,
    tokenGraceMs: o.tokenGraceMs,
    context: () => {
      const schema = o.schema();
      return schema && { schema, policy: o.policy, fields, validationRules: o.validationRules, parseOptions: o.parseOptions };
    },
  });
  return {
    hub,
    metrics,
    /** Every routing key a declared field listens to (the event queue's bindings). */
    keys: [...new Set([...fields.values()].flatMap((f) => f.events))],
    transports,
  };
}
