import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { subscriptionAdmission, type AdmissionOptions } from './admission';
import { sseTransport } from './sse-transport';
import { wsTransport } from './ws-transport';

export { SLOW_CONSUMER_CLOSE } from './ws-transport';
export type { SubscriptionLimits } from './admission';
export const SSE_PATH = '/graphql/stream';
const GRAPHQL_PATH = '/graphql';

/**
 * A request to /graphql that speaks GraphQL over SSE: one that accepts only an event stream (as
 * graphql-sse's client asks), or uses the protocol's single-connection mode (a PUT reserving a
 * stream, or its stream token). A query whose client also accepts JSON stays with Apollo.
 */
export function wantsEventStream(req: IncomingMessage): boolean {
  if (req.method === 'PUT' || req.headers['x-graphql-event-stream-token'] !== undefined) return true;
  const accept = String(req.headers.accept ?? '');
  return accept.includes('text/event-stream') && !/application\/(graphql-response\+)?json/.test(accept);
}

/**
 * graphql-ws on the gateway's /graphql (HTTP upgrade, same port) and GraphQL over SSE on /graphql
 * (by content negotiation, as the design's contract says) and on /graphql/stream (any request).
 * Both admit a subscription the same way (admission.ts) and read its payloads from the hub.
 */
export function subscriptionTransports(o: AdmissionOptions) {
  const admission = subscriptionAdmission(o);
  const ws = wsTransport(admission);
  const sse = sseTransport(admission);
  const handle = (req: IncomingMessage, res: ServerResponse) => void sse(req, res).catch((err) => o.logger.error({ err }, 'subscriptions: SSE request failed'));
  return {
    routes: [
      { path: SSE_PATH, handle },
      { path: GRAPHQL_PATH, when: wantsEventStream, handle },
    ],
    attach(server: Server) {
      server.on('upgrade', (req, socket, head) => {
        if ((req.url ?? '').split('?', 1)[0] !== GRAPHQL_PATH) return socket.destroy();
        ws.wss.handleUpgrade(req, socket, head, (client) => ws.wss.emit('connection', client, req));
      });
    },
    async stop() {
      await ws.dispose();
    },
  };
}
