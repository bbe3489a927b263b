import { Counter, Gauge, type Registry } from 'prom-client';
import type { Admission } from './admission';

/**
 * Admission control's state on /metrics, read at scrape time: whether the worker counts as out of
 * CPU, how many requests run and wait, the window, and how many waited or were refused since start.
 * Without them a 503 from admission looks like any other overload, and a queue that is always full
 * looks like slow subgraphs.
 */
export function admissionMetrics(registry: Registry, admission: Admission): void {
  const registers = [registry];
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({ name, help, registers, collect() { this.set(read()); } });
  gauge('admission_busy', '1 while the event loop counts as out of CPU (only the window of requests runs), else 0', () => (admission.state.busy ? 1 : 0));
  gauge('admission_requests_running', 'GraphQL requests admitted and not yet answered', () => admission.state.running);
  gauge('admission_requests_waiting', 'GraphQL requests waiting for admission', () => admission.state.waiting);
  gauge('admission_window', 'How many requests may run at once while the event loop is busy (adapts)', () => admission.state.window);
  // Counters read from the admission's own totals: reset, then set to the total, at each scrape.
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({ name, help, registers, collect() { this.reset(); this.inc(read()); } });
  counter('admission_queued_total', 'GraphQL requests that had to wait for admission', () => admission.totals.queued);
  counter('admission_refused_total', 'GraphQL requests refused with 503 because the admission queue was full', () => admission.totals.refused);
}
