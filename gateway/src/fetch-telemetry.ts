import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Histogram } from 'prom-client';
import type { ServiceMetrics } from '@cinema/telemetry';
import { SUBGRAPH_RESPONSE_TOO_LARGE } from './bounded-body';

/** The data source's `fetcher` option: (url, init) => response. */
export type Fetcher = NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher'] & {};

const tracer = trace.getTracer('@cinema/gateway');

/** ok (2xx), http_error (any other status), timeout (aborted), too_large (over SUBGRAPH_RESPONSE_LIMIT), network_error (no response). */
function failureOutcome(err: unknown): string {
  const name = (err as Error)?.name;
  if ((err as { extensions?: { code?: unknown } })?.extensions?.code === SUBGRAPH_RESPONSE_TOO_LARGE) return 'too_large';
  return name === 'AbortError' || name === 'TimeoutError' ? 'timeout' : 'network_error';
}

/**
 * Wraps the fetcher of one subgraph's data source: times every fetch into
 * gateway_subgraph_fetch_duration_seconds{subgraph, outcome}, and makes it a CLIENT span
 * (`subgraph.fetch`) whose W3C context goes out in the request headers, so the subgraph's own
 * request span continues this trace. Composes with any other fetcher (signing, timeouts).
 */
export function createFetchTelemetry(metrics?: ServiceMetrics) {
  const duration = metrics
    ? new Histogram({
        name: 'gateway_subgraph_fetch_duration_seconds',
        help: 'Time of one gateway fetch to a subgraph, by subgraph and outcome (ok, http_error, timeout, too_large, network_error)',
        labelNames: ['subgraph', 'outcome'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [metrics.registry],
      })
    : undefined;

  return function instrumentFetch(subgraph: string, fetcher: Fetcher): Fetcher {
    const timed = async (url: string, init: Parameters<Fetcher>[1]) => {
      const started = process.hrtime.bigint();
      let outcome = 'network_error';
      try {
        const res = await fetcher(url, init);
        outcome = res.ok ? 'ok' : 'http_error';
        return res;
      } catch (err) {
        outcome = failureOutcome(err);
        throw err;
      } finally {
        duration?.observe({ subgraph, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
      }
    };
    return async (url, init = {}) => {
      // No active span: tracing is off (no SDK registered), so a span would be a no-op object and
      // the header copy and context switches pure overhead. Only the metric is kept then.
      if (!trace.getActiveSpan()) return timed(url, init);
      const started = process.hrtime.bigint();
      const span = tracer.startSpan('subgraph.fetch', {
        kind: SpanKind.CLIENT,
        attributes: { 'graphql.subgraph.name': subgraph, 'http.request.method': init.method ?? 'POST', 'url.full': url },
      });
      const headers: Record<string, string> = { ...init.headers };
      propagation.inject(trace.setSpan(context.active(), span), headers);
      let outcome = 'network_error';
      try {
        const res = await context.with(trace.setSpan(context.active(), span), () => fetcher(url, { ...init, headers }));
        outcome = res.ok ? 'ok' : 'http_error';
        span.setAttribute('http.response.status_code', res.status);
        if (!res.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.status}` });
        return res;
      } catch (err) {
        outcome = failureOutcome(err);
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
        throw err;
      } finally {
        span.end();
        duration?.observe({ subgraph, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
      }
    };
  };
}
