import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { subscriptionAdmission, type AdmissionOptions } from './admission';
import { sseTransport } from './sse-transport';
import { wsTransport } from './ws-transport';

export { SLOW_CONSUMER_CLOSE } from './ws-transport';
export type { SubscriptionLimits } from './admission';
export const SSE_PATH = '/graphql/stream';
const WS_PATH = '/graphql';

/**
 * graphql-ws on the gateway's /graphql (HTTP upgrade, same port) and GraphQL over SSE on
 * /graphql/stream. Both admit a subscription the same way (admission.ts) and read its payloads from
 * the hub.
 */
export function subscriptionTransports(o: AdmissionOptions) {
  const admission = subscriptionAdmission(o);
  const ws = wsTransport(admission);
  const sse = sseTransport(admission);
  return {
    route: { path: SSE_PATH, handle: (req: IncomingMessage, res: ServerResponse) => void sse(req, res).catch((err) => o.logger.error({ err }, 'subscriptions: SSE request failed')) },
    attach(server: Server) {
      server.on('upgrade', (req, socket, head) => {
        if ((req.url ?? '').split('?', 1)[0] !== WS_PATH) return socket.destroy();
        ws.wss.handleUpgrade(req, socket, head, (client) => ws.wss.emit('connection', client, req));
      });
    },
    async stop() {
      await ws.dispose();
    },
  };
}
