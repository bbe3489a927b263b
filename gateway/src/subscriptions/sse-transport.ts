import type { ServerResponse } from 'node:http';
import type { GraphQLError } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/http';
import { isRefusal, refusal, type Admission } from './admission';
import type { LiveStream } from './live-stream';
import type { SubscribeRequest } from './prepare';

/**
 * GraphQL over Server-Sent Events (graphql-sse's distinct connections mode: one subscription per
 * request). The token comes in the `Authorization` header; a refusal is an HTTP answer (401, 403,
 * 400) with the errors, before any event is sent.
 */
export function sseTransport(a: Admission) {
  type SseContext = { stream: LiveStream };
  return createHandler<SseContext>({
    onSubscribe: async (req, params) => {
      const identity = await a.identify(req.headers.get('authorization') ?? undefined);
      const refuse = (errors: readonly GraphQLError[], status: number) =>
        [JSON.stringify({ errors }), { status, statusText: status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Bad Request', headers: { 'content-type': 'application/json; charset=utf-8' } }] as const;
      if (identity === 'bad') return refuse(refusal('the token does not verify', 'UNAUTHENTICATED'), 401);
      const res = req.context.res as ServerResponse;
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
      res.once('close', () => void stream.return());
      return { schema, document, variableValues: params.variables ?? {}, contextValue: { stream } };
    },
    subscribe: (args) => args.contextValue.stream,
  });

}
