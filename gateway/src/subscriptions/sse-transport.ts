import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLError } from 'graphql';
import { createHandler } from 'graphql-sse';
import getRawBody from 'raw-body';
import { isRefusal, refusal, type Admission } from './admission';
import type { LiveStream } from './live-stream';
import type { SubscribeRequest } from './prepare';

type SseContext = { stream: LiveStream };

/**
 * GraphQL over Server-Sent Events (graphql-sse's distinct connections mode: one subscription per
 * request). The token comes in the `Authorization` header; a refusal is an HTTP answer (401, 403,
 * 400) with the errors, before any event is sent. graphql-sse's own Node adapter reads a body of
 * any size, so this one (the same few lines) reads it with raw-body, bounded by SUBSCRIPTION_MAX_MESSAGE.
 */
export function sseTransport(a: Admission) {
  const handler = createHandler<IncomingMessage, { res: ServerResponse }, SseContext>({
    onSubscribe: async (req, params) => {
      const header = req.headers.get('authorization') ?? undefined;
      const identity = await a.identify(header);
      const refuse = (errors: readonly GraphQLError[], status: number) =>
        [JSON.stringify({ errors }), { status, statusText: status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Bad Request', headers: { 'content-type': 'application/json; charset=utf-8' } }] as const;
      if (identity === 'bad') return refuse(refusal('the token does not verify', 'UNAUTHENTICATED'), 401);
      const res = req.context.res;
      const client = identity ? `sub:${identity.sub}` : `ip:${req.raw.socket.remoteAddress}`;
      const opened = await a.open(params as SubscribeRequest, identity, client, {
        name: 'sse',
        cut: () => res.destroy(),
        congested: () => res.writableLength > a.limits.maxBufferedBytes,
      });
      if (isRefusal(opened)) {
        const code = opened[0]?.extensions.code;
        return refuse(opened, code === 'UNAUTHENTICATED' ? 401 : code === 'FORBIDDEN' ? 403 : 400);
      }
      const { stream, document, schema } = opened;
      // Its token expired: a last error, then the stream ends (the client subscribes again with a fresh one).
      const cancel = a.untilExpiry(header, () => stream.last({ errors: refusal('token expired: subscribe again with a fresh token', 'UNAUTHENTICATED') }));
      stream.whenEnded(cancel);
      res.once('close', () => void stream.return());
      return { schema, document, variableValues: params.variables ?? {}, contextValue: { stream } };
    },
    subscribe: (args) => args.contextValue.stream,
  });
  return async (req: IncomingMessage, res: ServerResponse) => {
    const [body, init] = await handler({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: { get: (key) => [req.headers[key]].flat().join('\n') || null },
      // Over the bound: graphql-sse answers 400 with raw-body's message ("request entity too large").
      body: () => getRawBody(req, { limit: a.limits.maxMessageBytes, length: req.headers['content-length'], encoding: 'utf8' }),
      raw: req,
      context: { res },
    });
    res.writeHead(init.status, init.statusText, init.headers);
    if (!body || typeof body === 'string') return void res.end(body);
    res.once('close', () => void body.return(undefined));
    // Written without waiting for the socket: graphql-sse drains the subscription into a queue of
    // its own, unbounded, so waiting here would hold a slow client's payloads there, out of sight.
    // Left in the response instead, they count in its writableLength, which the hub checks before
    // each payload (`congested`): past SUBSCRIPTION_MAX_BUFFERED the client is cut off.
    for await (const chunk of body) {
      if (!res.writable) break;
      res.write(chunk);
    }
    res.end();
  };
}
