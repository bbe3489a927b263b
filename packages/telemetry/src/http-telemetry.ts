import { createHash, timingSafeEqual } from 'node:crypto';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type express from 'express';
import { tracer } from './tracing';
import type { ServiceMetrics } from './metrics';

/**
 * Starts the SERVER span of a GraphQL request, continuing the caller's trace (W3C `traceparent`
 * from the gateway's fetch), and runs the rest of the request inside it, so Apollo's and the
 * gateway's spans, the subgraph fetches and the events a mutation records all hang below it.
 * Started once the body is read (graphql-route.ts), as it was after express's body parser.
 */
export function traceRequests(service: string, options: { trustIncoming?: boolean } = {}) {
  return (req: IncomingMessage, res: ServerResponse, rest: () => Promise<void>): Promise<void> => {
    // At the edge a client could pick trace ids and smuggle `tracestate` into outboxes and messages:
    // the gateway starts every trace itself; subgraphs continue the gateway's (signed requests only reach them).
    const parent = options.trustIncoming === false ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      `${req.method} /graphql`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'http.route': '/graphql', 'cinema.service': service } },
      parent,
    );
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    return context.with(trace.setSpan(parent, span), rest);
  };
}

/** GET /metrics in the Prometheus text format; collect-at-scrape gauges run here. */
export function metricsRoute(app: express.Express, metrics: ServiceMetrics, token?: string): void {
  const expected = token ? createHash('sha256').update(`Bearer ${token}`).digest() : undefined;
  app.get('/metrics', async (req, res) => {
    // Hashes compared in constant time: equal lengths, and nothing learnt from how long it took.
    if (expected && !timingSafeEqual(expected, createHash('sha256').update(req.get('authorization') ?? '').digest())) {
      res.status(401).set('www-authenticate', 'Bearer').type('text/plain').send('metrics need the METRICS_TOKEN bearer token');
      return;
    }
    try {
      res.set('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
    } catch (err) {
      res.status(500).type('text/plain').send(`metrics collection failed: ${(err as Error).message}`);
    }
  });
}
