import type { DomainEvent } from '@cinema/events';
import { Counter, Gauge } from 'prom-client';
import type { MessagingObserver } from './observer';
import type { ServiceMetrics } from '@cinema/telemetry';

/** What the backlog gauge asks at scrape time (OutboxRelay.pendingDocuments). */
export type BacklogSource = () => Promise<Array<{ collection: string; count: number }>>;

/**
 * The messaging side of a service's metrics: counters and histograms fed by the relay and the
 * consumers through MessagingObserver, and two gauges computed when Prometheus scrapes:
 *  - outbox_backlog_documents: documents whose outbox still holds events, unconfirmed or confirmed and
 *    waiting for the relay's batched removal (up to 50 ms) (bounded count);
 *  - read_model_lag_seconds: now minus `occurredAt` of the newest event a queue's consumer handled.
 *    It keeps growing while nothing happens upstream: read it together with the queue's depth.
 */
export function messagingMetrics(metrics: ServiceMetrics): MessagingObserver & { watchBacklog(source: BacklogSource): void } {
  const newest = new Map<string, number>();
  let backlog: BacklogSource | undefined;
  const registers = [metrics.registry];
  new Gauge({
    name: 'read_model_lag_seconds',
    help: 'Now minus occurredAt of the newest event handled, per consumer queue (read model)',
    labelNames: ['queue'],
    registers,
    collect() {
      for (const [queue, at] of newest) this.set({ queue }, Math.max(0, (Date.now() - at) / 1e3));
    },
  });
  new Gauge({
    name: 'outbox_backlog_documents',
    help: 'Documents with events not yet confirmed by the broker, or confirmed and not yet removed (up to 50 ms), per collection (counted up to 10000)',
    labelNames: ['collection'],
    registers,
    async collect() {
      if (!backlog) return;
      // A database outage must not fail the whole scrape: the series is just absent then.
      const counts = await backlog().catch(() => []);
      this.reset();
      for (const { collection, count } of counts) this.set({ collection }, count);
    },
  });
  const resyncs = new Counter({
    name: 'resync_requests_total',
    help: 'Resync requests this owner took, by consumer queue and outcome (served, coalesced, refused, failed)',
    labelNames: ['queue', 'outcome'],
    registers,
  });
  const handledAt = (queue: string, event: DomainEvent) => {
    const at = Date.parse(event.occurredAt);
    if (at > (newest.get(queue) ?? 0)) newest.set(queue, at);
  };
  return {
    watchBacklog: (source) => void (backlog = source),
    published(event, seconds) {
      metrics.eventsPublished.inc({ type: event.type });
      metrics.eventPublishDuration.observe({ type: event.type }, seconds);
    },
    publishFailed: (event) => metrics.eventPublishFailures.inc({ type: event.type }),
    consumed(queue, event, outcome, seconds) {
      metrics.eventsConsumed.inc({ queue, type: event.type, outcome });
      metrics.eventHandlingDuration.observe({ queue, type: event.type }, seconds);
      handledAt(queue, event);
    },
    retried(queue, event, seconds) {
      metrics.eventsRetried.inc({ queue, type: event.type });
      metrics.eventHandlingDuration.observe({ queue, type: event.type }, seconds);
    },
    deadLettered: (queue, reason) => metrics.eventsDeadLettered.inc({ queue, reason }),
    resync: (queue, outcome) => resyncs.inc({ queue, outcome }),
  };
}
