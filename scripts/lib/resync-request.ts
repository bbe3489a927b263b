import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import { CONSUMERS, resyncExchange, resyncReplyQueue, resyncRequestExchange, type ReplicaQueue, type ResyncProgress, type ResyncRequest } from '@cinema/events';
import { brokerUserOf, qualify } from '@cinema/messaging';

/**
 * An operator's resync request (rule 6), as `npm run resync` and the bench send it: published on the
 * owner's resync-request exchange with the operator's user_id (the owner serves only the queue's own
 * consumer or an operator), progress reports on a reply queue of the operator's own, bound to the
 * owner's resync exchange. `channel` belongs to a connection logged in as the operator (`url`).
 */
export async function requestResync(
  channel: ConfirmChannel,
  o: { url: string; namespace?: string; queue: ReplicaQueue; onProgress?: (p: ResyncProgress) => void },
): Promise<{ requestId: string; finished: Promise<ResyncProgress> }> {
  const { owner } = CONSUMERS[o.queue];
  const q = (name: string) => qualify(name, o.namespace);
  const requestId = randomUUID();
  const reply = resyncReplyQueue(requestId);
  await channel.assertQueue(q(reply), { exclusive: true, autoDelete: true });
  await channel.bindQueue(q(reply), q(resyncExchange(owner)), reply);
  const finished = new Promise<ResyncProgress>((resolve) => {
    void channel.consume(q(reply), (m) => {
      if (!m) return;
      const p = JSON.parse(m.content.toString()) as ResyncProgress;
      if (p.requestId !== requestId) return;
      o.onProgress?.(p);
      if (p.done) resolve(p);
    }, { noAck: true });
  });
  const request: ResyncRequest = { requestId, queue: o.queue, requestedAt: new Date().toISOString(), replyTo: reply };
  let returned = false;
  channel.on('return', () => (returned = true));
  channel.publish(q(resyncRequestExchange(owner)), '', Buffer.from(JSON.stringify(request)), {
    persistent: true, contentType: 'application/json', messageId: requestId, mandatory: true, userId: brokerUserOf(o.url),
  });
  await channel.waitForConfirms();
  if (returned) throw new Error(`${q(resyncRequestExchange(owner))} routes to no queue: has ${owner} ever run (with this AMQP_NAMESPACE)?`);
  return { requestId, finished };
}
