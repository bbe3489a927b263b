import type { Identity } from '@cinema/serving';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { isRefusal, refusal, type Admission } from './admission';
import type { LiveStream } from './live-stream';

/** WebSocket close code for a client cut off because it does not read (RFC 6455 "try again later"). */
export const SLOW_CONSUMER_CLOSE = 1013;
/** WebSocket close code once the connection's token expired (graphql-ws's "Unauthorized"). */
export const TOKEN_EXPIRED_CLOSE = 4401;

/**
 * graphql-ws (`graphql-transport-ws`) over a WebSocket server without a port of its own: the
 * gateway's HTTP server hands it the upgrades of /graphql (transports.ts). The token comes in
 * connection_init's payload (`Authorization` or `authorization`).
 */
export function wsTransport(a: Admission) {
  const { limits } = a;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const connections = new WeakMap<object, { identity: Identity | null; client: string; streams: Set<LiveStream>; opening: number; closed: boolean; cancel: () => void }>();
  const server = useServer(
    {
      connectionInitWaitTimeout: limits.initTimeoutMs,
      // false closes the socket with 4403: a token that does not verify is refused, never downgraded to anonymous.
      onConnect: async (ctx) => {
        const p = ctx.connectionParams ?? {};
        const header = p.Authorization ?? p.authorization;
        const identity = await a.identify(header);
        if (identity === 'bad') return false;
        const client = identity ? `sub:${identity.sub}` : `ip:${ctx.extra.request.socket.remoteAddress}`;
        const socket = ctx.extra.socket;
        const cancel = a.untilExpiry(header, () => socket.close(TOKEN_EXPIRED_CLOSE, 'token expired: connect again with a fresh token'));
        connections.set(ctx, { identity, client, streams: new Set(), opening: 0, closed: false, cancel });
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const c = connections.get(ctx)!;
        if (c.streams.size + c.opening >= limits.maxPerConnection) return refusal(`at most ${limits.maxPerConnection} subscriptions per connection`, 'TOO_MANY_SUBSCRIPTIONS');
        const socket = ctx.extra.socket;
        c.opening++;
        const opened = await a.open(payload, c.identity, c.client, {
          name: 'ws',
          cut: () => socket.close(SLOW_CONSUMER_CLOSE, 'slow consumer: too many payloads unsent'),
          congested: () => socket.bufferedAmount > limits.maxBufferedBytes,
        });
        c.opening--;
        if (isRefusal(opened)) return opened;
        const { stream, document, schema } = opened;
        // The client may have gone while its subscription was being opened.
        if (c.closed) void stream.return();
        c.streams.add(stream);
        stream.whenEnded(() => c.streams.delete(stream));
        return { schema, document, contextValue: { stream } };
      },
      subscribe: (args) => (args.contextValue as { stream: LiveStream }).stream,
      onClose: (ctx) => {
        const c = connections.get(ctx);
        if (c) c.closed = true;
        c?.cancel();
        for (const s of c?.streams ?? []) void s.return();
      },
    },
    wss,
  );

  return { wss, dispose: () => server.dispose() };
}
