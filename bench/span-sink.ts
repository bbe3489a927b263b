/**
 * A minimal OTLP/HTTP (JSON) trace receiver for the event bench: the services export their spans here
 * (the project's own tracing, OTEL_EXPORTER_OTLP_ENDPOINT), and the bench reads each hop of an event
 * from them: `event.publish` (relay: starts right after the write committed, ends at the broker's
 * confirm), `event.consume` (the consumer got the message), `projection.apply` (the read-model write).
 * Correlated to the bench's mutation by the correlation id (the request's x-request-id).
 */
import { createServer, type Server } from 'node:http';

export interface SinkSpan {
  name: string;
  service: string;
  spanId: string;
  parentSpanId?: string;
  /** Epoch milliseconds, fractional (the same clock as performance.timeOrigin + performance.now()). */
  start: number;
  end: number;
  attrs: Record<string, unknown>;
}

const ms = (nanos: unknown) => Number(typeof nanos === 'object' && nanos ? BigInt((nanos as any).high) * 2n ** 32n + BigInt((nanos as any).low >>> 0) : BigInt(String(nanos))) / 1e6;
const value = (v: any) => v?.stringValue ?? v?.intValue ?? v?.doubleValue ?? v?.boolValue;

export async function startSpanSink(): Promise<{ url: string; spans: SinkSpan[]; close(): Promise<void> }> {
  const spans: SinkSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const rs of body.resourceSpans ?? []) {
          const service = value(rs.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value) ?? '?';
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              const attrs = Object.fromEntries((s.attributes ?? []).map((a: any) => [a.key, value(a.value)]));
              spans.push({ name: s.name, service, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, start: ms(s.startTimeUnixNano), end: ms(s.endTimeUnixNano), attrs });
            }
          }
        }
      } catch {
        // Not JSON (a protobuf exporter): nothing to read; the hop table stays empty.
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((r) => server.close(() => r())) };
}
