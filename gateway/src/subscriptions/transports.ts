import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '@cinema/config';
import type { Identity } from '@cinema/serving';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/http';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { SubscriptionHub } from './hub';
import type { LiveStream } from './live-stream';
import { prepareSubscription, type PrepareContext, type SubscribeRequest } from './prepare';
import { ClientQuotas } from './quotas';
import type { SubscriptionMetrics } from './metrics';

/** WebSocket close code for a client cut off because it does not read (RFC 6455 "try again later"). */
export const SLOW_CONSUMER_CLOSE = 1013;
export const SSE_PATH = '/graphql/stream';
const WS_PATH = '/graphql';

export interface SubscriptionLimits {
  initTimeoutMs: number;
  maxPerConnection: number;
  maxPerClient: number;
  /** Unsent bytes a connection may hold (ws bufferedAmount, the SSE response's writableLength). */
  maxBufferedBytes: number;
  /** Largest client message on the WebSocket (a subscribe's query and variables). */
  maxMessageBytes: number;
}

export interface TransportOptions {
  hub: SubscriptionHub;
  limits: SubscriptionLimits;
  metrics: SubscriptionMetrics;
  logger: Logger;
  /** The gateway's JWT check (auth/tokens.ts): throws on a token that does not verify. */
  verify(token: string): Promise<Identity>;
  /** The API schema once loaded, and the rest of what a subscription is checked against. */
  context(): (PrepareContext & { schema: GraphQLSchema }) | undefined;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;
const error = (message: string, code: string) => [new GraphQLError(message, { extensions: { code } })];
const unavailable = () => error('subscriptions are unavailable: this gateway has no link to the events now; try again shortly', 'SUBSCRIPTION_SOURCE_UNAVAILABLE');
type Opened = { stream: LiveStream; document: DocumentNode; schema: GraphQLSchema } | readonly GraphQLError[];

/**
 * graphql-ws (`graphql-transport-ws`) on the gateway's /graphql (HTTP upgrade, same port) and
 * GraphQL over SSE (graphql-sse, distinct connections) on /graphql/stream. Both admit a
 * subscription the same way (open) and read its payloads from the hub.
 */
export function subscriptionTransports(o: TransportOptions) {
  const quotas = new ClientQuotas(o.limits.maxPerClient);
  const identify = async (header: unknown): Promise<Identity | null | 'bad'> => {
    if (header === undefined || header === null) return null;
    const m = typeof header === 'string' ? BEARER.exec(header) : null;
    return m ? o.verify(m[1]!).catch(() => 'bad' as const) : 'bad';
  };

  async function open(req: SubscribeRequest, identity: Identity | null, client: string, transport: { name: string; cut: () => void; congested: () => boolean }): Promise<Opened> {
    const c = o.context();
    if (!c || !o.hub.available) return unavailable();
    const prepared = prepareSubscription(req, identity, c);
    if (Array.isArray(prepared)) {
      o.metrics.dropped.inc({ reason: 'refused' });
      return prepared;
    }
    const { live, derived, document } = prepared as Exclude<typeof prepared, readonly GraphQLError[]>;
    if (!quotas.take(client)) return error(`at most ${o.limits.maxPerClient} subscriptions per client`, 'TOO_MANY_SUBSCRIPTIONS');
    let stream: LiveStream;
    try {
      stream = await o.hub.open(live, derived, identity, transport);
    } catch (err) {
      quotas.release(client);
      o.logger.warn({ err }, 'subscriptions: refused a subscription: its events could not be bound');
      return unavailable();
    }
    stream.whenEnded(() => quotas.release(client));
    return { stream, document, schema: c.schema };
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: o.limits.maxMessageBytes });
  const connections = new WeakMap<object, { identity: Identity | null; client: string; streams: Set<LiveStream>; opening: number; closed: boolean }>();
  const ws = useServer(
    {
      connectionInitWaitTimeout: o.limits.initTimeoutMs,
      // false closes the socket with 4403: a token that does not verify is refused, never downgraded to anonymous.
      onConnect: async (ctx) => {
        const p = ctx.connectionParams ?? {};
        const identity = await identify(p.Authorization ?? p.authorization);
        if (identity === 'bad') return false;
        const client = identity ? `sub:${identity.sub}` : `ip:${ctx.extra.request.socket.remoteAddress}`;
        connections.set(ctx, { identity, client, streams: new Set(), opening: 0, closed: false });
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const c = connections.get(ctx)!;
        if (c.streams.size + c.opening >= o.limits.maxPerConnection) return error(`at most ${o.limits.maxPerConnection} subscriptions per connection`, 'TOO_MANY_SUBSCRIPTIONS');
        const socket = ctx.extra.socket;
        c.opening++;
        const opened = await open(payload, c.identity, c.client, {
          name: 'ws',
          cut: () => socket.close(SLOW_CONSUMER_CLOSE, 'slow consumer: too many payloads unsent'),
          congested: () => socket.bufferedAmount > o.limits.maxBufferedBytes,
        });
        c.opening--;
        if (Array.isArray(opened)) return opened;
        const { stream, document, schema } = opened as Exclude<Opened, readonly GraphQLError[]>;
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
        for (const s of c?.streams ?? []) void s.return();
      },
    },
    wss,
  );

  type SseContext = { stream: LiveStream };
  const sse = createHandler<SseContext>({
    onSubscribe: async (req, params) => {
      const identity = await identify(req.headers.get('authorization') ?? undefined);
      const refuse = (errors: readonly GraphQLError[], status: number) =>
        [JSON.stringify({ errors }), { status, statusText: status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Bad Request', headers: { 'content-type': 'application/json; charset=utf-8' } }] as const;
      if (identity === 'bad') return refuse(error('the token does not verify', 'UNAUTHENTICATED'), 401);
      const res = req.context.res as ServerResponse;
      const client = identity ? `sub:${identity.sub}` : `ip:${req.raw.socket.remoteAddress}`;
      const opened = await open(params as SubscribeRequest, identity, client, {
        name: 'sse',
        cut: () => res.destroy(),
        congested: () => res.writableLength > o.limits.maxBufferedBytes,
      });
      if (Array.isArray(opened)) {
        const code = (opened as readonly GraphQLError[])[0]?.extensions.code;
        return refuse(opened as readonly GraphQLError[], code === 'UNAUTHENTICATED' ? 401 : code === 'FORBIDDEN' ? 403 : 400);
      }
      const { stream, document, schema } = opened as Exclude<Opened, readonly GraphQLError[]>;
      res.once('close', () => void stream.return());
      return { schema, document, variableValues: params.variables ?? {}, contextValue: { stream } };
    },
    subscribe: (args) => args.contextValue.stream,
  });

  return {
    route: { path: SSE_PATH, handle: (req: IncomingMessage, res: ServerResponse) => void sse(req, res).catch((err) => o.logger.error({ err }, 'subscriptions: SSE request failed')) },
    attach(server: Server) {
      server.on('upgrade', (req, socket, head) => {
        if ((req.url ?? '').split('?', 1)[0] !== WS_PATH) return socket.destroy();
        wss.handleUpgrade(req, socket, head, (client) => wss.emit('connection', client, req));
      });
    },
    async stop() {
      await ws.dispose();
    },
  };
}
