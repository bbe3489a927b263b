import type { ServiceMetrics } from '@cinema/telemetry';
import { Counter, Gauge, Histogram } from 'prom-client';

export type SubscriptionMetrics = ReturnType<typeof subscriptionMetrics>;

/** On /metrics with the rest of the process's (docs/subscriptions.md lists them). */
export function subscriptionMetrics(metrics?: ServiceMetrics) {
  const registers = metrics ? [metrics.registry] : [];
  return {
    active: new Gauge({ name: 'gateway_subscriptions_active', help: 'Live subscriptions of this process, by field and transport (ws, sse)', labelNames: ['field', 'transport'], registers }),
    delivered: new Counter({ name: 'gateway_subscription_deliveries_total', help: 'Payloads handed to a subscriber, by field', labelNames: ['field'], registers }),
    dropped: new Counter({
      name: 'gateway_subscription_drops_total',
      help: 'What did not reach a subscriber, by reason: stale (a version already delivered), slow_client (cut off), too_large, source_lost (broker link lost), refused (at subscribe), rate_limited (a client subscribing faster than SUBSCRIPTION_SUBSCRIBE_RATE allows), invalid (not a trusted event)',
      labelNames: ['reason'],
      registers,
    }),
    latency: new Histogram({
      name: 'gateway_subscription_latency_seconds',
      help: 'From the event (its occurredAt, written with the change) to its payload handed to the subscriber, by field',
      labelNames: ['field'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    inGateway: new Histogram({
      name: 'gateway_subscription_answer_seconds',
      help: 'The gateway\'s own part: from the event read from the queue to its payload handed to the subscriber (the payload query included), by field',
      labelNames: ['field'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    bindings: new Gauge({ name: 'gateway_subscriptions_bound_keys', help: 'Routing keys this process\'s event queue is bound to now (those live subscriptions need)', registers }),
    events: new Counter({ name: 'gateway_subscription_events_total', help: 'Events read from this process\'s subscription queue, by type', labelNames: ['type'], registers }),
    linkUp: new Gauge({ name: 'gateway_subscriptions_source_up', help: '1 while this process\'s event queue is bound and consumed, 0 otherwise', registers }),
  };
}
