import { context, propagation, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { z } from 'zod';
import type { Logger } from 'pino';

/** The environment that turns tracing on; every service's config schema spreads it. */
export const tracingEnv = {
  // OTLP over HTTP, e.g. http://127.0.0.1:4318 (spans go to <endpoint>/v1/traces). Unset: no tracing.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ error: 'must be an http(s) URL, e.g. http://127.0.0.1:4318' }).optional(),
  OTEL_SERVICE_NAME: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional(),
};

export interface Tracing {
  /** Exports what is buffered and unregisters; part of the process's shutdown. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP base URL; spans are batched and exported there. */
  endpoint?: string;
  /** Any exporter, each span exported as it ends (tests install an InMemorySpanExporter). */
  exporter?: SpanExporter;
  logger: Logger;
}

/**
 * Registers the OpenTelemetry SDK for this process, or nothing at all when neither an endpoint
 * nor an exporter is given: then @opentelemetry/api stays a no-op and tracing costs nothing.
 * Registering also installs the AsyncLocalStorage context manager and the W3C trace-context
 * propagator, which the HTTP middleware, the gateway's fetches and the messaging code rely on.
 */
export function startTracing(o: TracingOptions): Tracing {
  const processors = [
    ...(o.exporter ? [new SimpleSpanProcessor(o.exporter)] : []),
    ...(o.endpoint ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${o.endpoint.replace(/\/$/, '')}/v1/traces` }))] : []),
  ];
  if (processors.length === 0) return { shutdown: async () => undefined };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': o.serviceName }),
    spanProcessors: processors,
  });
  provider.register();
  o.logger.info({ endpoint: o.endpoint, serviceName: o.serviceName }, 'tracing on');
  return {
    async shutdown() {
      await provider.shutdown().catch((err: Error) => o.logger.warn({ err }, 'trace export at shutdown failed'));
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** W3C trace context as text headers: what travels in HTTP and AMQP headers and in outbox entries. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** The active (or given) context as a carrier; undefined when there is no span (tracing off). */
export function traceCarrier(ctx: Context = context.active()): TraceCarrier | undefined {
  const all: Record<string, string> = {};
  propagation.inject(ctx, all);
  if (!all.traceparent) return undefined;
  return all.tracestate ? { traceparent: all.traceparent, tracestate: all.tracestate } : { traceparent: all.traceparent };
}

/** The remote parent a carrier names (headers of any kind: plain object, AMQP table, HTTP). */
export function contextFrom(carrier: Record<string, unknown> | undefined): Context {
  if (!carrier) return ROOT_CONTEXT;
  const text: Record<string, string> = {};
  for (const key of ['traceparent', 'tracestate']) {
    const v = carrier[key];
    if (typeof v === 'string') text[key] = v;
    else if (Buffer.isBuffer(v)) text[key] = v.toString('utf8'); // AMQP may hand strings back as bytes
  }
  return propagation.extract(ROOT_CONTEXT, text);
}

export const tracer = trace.getTracer('@cinema/telemetry');
