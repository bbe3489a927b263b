import type { IncomingMessage } from 'node:http';
import { wantsEventStream } from './transports';

const req = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;

describe('which requests to /graphql speak GraphQL over SSE', () => {
  it('one accepting only an event stream (graphql-sse distinct connections), or single-connection mode', () => {
    expect(wantsEventStream(req('POST', { accept: 'text/event-stream' }))).toBe(true);
    expect(wantsEventStream(req('GET', { accept: 'text/event-stream' }))).toBe(true);
    expect(wantsEventStream(req('PUT', {}))).toBe(true);
    expect(wantsEventStream(req('POST', { 'x-graphql-event-stream-token': 't' }))).toBe(true);
  });

  it('not a query whose client accepts JSON, nor Sandbox or a plain POST', () => {
    expect(wantsEventStream(req('POST', { accept: 'application/json, text/event-stream' }))).toBe(false);
    expect(wantsEventStream(req('POST', { accept: 'application/graphql-response+json, text/event-stream' }))).toBe(false);
    expect(wantsEventStream(req('GET', { accept: 'text/html' }))).toBe(false);
    expect(wantsEventStream(req('POST', {}))).toBe(false);
  });
});
