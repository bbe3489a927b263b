import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus series a service exposes on GET /metrics, in one place (docs/observability.md
 * lists them). One registry per service process, with the default Node process metrics and a
 * `service` label on every series, so one dashboard query can compare services.
 */
export interface ServiceMetrics {
  registry: Registry;
  graphqlRequests: Counter<'operation' | 'outcome'>;
  graphqlDuration: Histogram<'operation' | 'outcome'>;
  eventsPublished: Counter<'type'>;
  eventPublishFailures: Counter<'type'>;
  eventPublishDuration: Histogram<'type'>;
  eventsConsumed: Counter<'queue' | 'type' | 'outcome'>;
  eventHandlingDuration: Histogram<'queue' | 'type'>;
  eventsRetried: Counter<'queue' | 'type'>;
  eventsDeadLettered: Counter<'queue' | 'reason'>;
  mongoClientReconnects: Counter;
  signatureRefusals: Counter<'reason'>;
}

// Seconds. GraphQL over one local database answers in ms; a broker confirm takes a few ms.
const LATENCY = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(service: string, options: { processMetrics?: boolean } = {}): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    graphqlRequests: new Counter({
      name: 'graphql_requests_total',
      help: 'GraphQL operations answered, by operation name and outcome (ok, client_error, error)',
      labelNames: ['operation', 'outcome'],
      registers,
    }),
    graphqlDuration: new Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'Time from receiving a GraphQL operation to sending its response',
      labelNames: ['operation', 'outcome'],
      buckets: LATENCY,
      registers,
    }),
    eventsPublished: new Counter({ name: 'events_published_total', help: 'Outbox events the broker confirmed, by event type', labelNames: ['type'], registers }),
    eventPublishFailures: new Counter({
      name: 'events_publish_failures_total',
      help: 'Outbox publishes that failed (left in the outbox for the sweep), by event type',
      labelNames: ['type'],
      registers,
    }),
    eventPublishDuration: new Histogram({
      name: 'event_publish_duration_seconds',
      help: 'Time from publishing an outbox event to the broker confirm',
      labelNames: ['type'],
      buckets: LATENCY,
      registers,
    }),
    eventsConsumed: new Counter({
      name: 'events_consumed_total',
      help: 'Events handled and acked, by queue, type and outcome (applied, stale, ok)',
      labelNames: ['queue', 'type', 'outcome'],
      registers,
    }),
    eventHandlingDuration: new Histogram({
      name: 'event_handling_duration_seconds',
      help: 'Time a consumer spent on one event, whatever became of it',
      labelNames: ['queue', 'type'],
      buckets: LATENCY,
      registers,
    }),
    eventsRetried: new Counter({ name: 'events_retried_total', help: 'Deliveries that failed and were scheduled for a retry', labelNames: ['queue', 'type'], registers }),
    eventsDeadLettered: new Counter({
      name: 'events_dead_lettered_total',
      help: 'Messages dead-lettered, by queue and reason (invalid, forged, implausible, rejected, redelivered)',
      labelNames: ['queue', 'reason'],
      registers,
    }),
    signatureRefusals: new Counter({
      name: 'subgraph_signature_refusals_total',
      help: 'Requests a subgraph refused for their gateway signature, by reason (missing, malformed, expired, wrong, replayed, identity, method)',
      labelNames: ['reason'],
      registers,
    }),
    mongoClientReconnects: new Counter({
      name: 'mongo_client_reconnects_total',
      help: 'Times the watchdog found the MongoDB client stuck while the database answered, and reconnected it',
      registers,
    }),
  };
}
