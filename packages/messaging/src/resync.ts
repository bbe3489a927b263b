import { CONSUMERS, isConsumerQueue, mayRequestResync, resyncRequestSchema, type DomainEvent, type Exchange, type ResyncProgress, type ResyncRequest } from '@cinema/events';
import type { Message } from 'amqplib';
import type { Logger } from 'pino';
import type { AckOrNack } from 'rascal';
import { publishConfirmed, type Broker } from './broker';
import type { PlaneIdentity } from './broker-user';
import type { MessagingObserver } from './observer';
import type { ResyncLeases } from './resync-lease';
import { PUBLICATION } from './topology';

/** Current state of every entity of one owner, as versioned events (tombstones included). */
export type Snapshot = (cause: { correlationId: string }) => AsyncIterable<DomainEvent>;

const WINDOW = 500;
/** While another instance resyncs the same queue, a request is put back and looked at again this much later. */
const BUSY_RETRY_MS = 5_000;
/** A resync that fails (a broker blip) is tried this many times, then the request is dropped with a log line. */
const ATTEMPTS = 5;

/**
 * The request, or why it is refused: its shape (the schema the AsyncAPI document publishes for this
 * queue: an operator's reply queue only), its queue (one of this owner's), and who sent it (`user_id`,
 * which the broker vouches for: the queue's own consumer or an operator).
 */
function check(content: unknown, userId: unknown, owner: Exchange, identity: PlaneIdentity): { request: ResyncRequest } | { refused: string } {
  const parsed = resyncRequestSchema.safeParse(content);
  if (!parsed.success) return { refused: `not a valid resync request: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}` };
  const request = parsed.data;
  if (CONSUMERS[request.queue].owner !== owner) return { refused: `"${request.queue}" is not a queue of ${owner}'s events` };
  const role = identity.roleOf(typeof userId === 'string' ? userId : undefined);
  if (!role || !mayRequestResync(role, request.queue)) {
    return { refused: `requested by ${typeof userId === 'string' ? `"${userId}"` : 'no user_id'}: only ${identity.userOf(CONSUMERS[request.queue].consumer)} (its consumer) or an operator may ask to resync ${request.queue}` };
  }
  return { request };
}

/**
 * Rule 6, the owner's side: on a resync request, re-publish the current state of every entity
 * through the owner's resync exchange to the one consumer queue that asked (no other consumer sees
 * it), with confirms pipelined in windows, reporting progress to `replyTo`. Only the queue's own
 * consumer or an operator may ask (publisher identity); one resync per queue runs at a time, over
 * every instance (resync-lease.ts); a request made before the last resync of its queue started is
 * answered by that one.
 */
export async function serveResync(o: {
  broker: Broker;
  owner: Exchange;
  subscription: string;
  snapshot: Snapshot;
  count: () => Promise<number>;
  leases: ResyncLeases;
  identity: PlaneIdentity;
  logger: Logger;
  observer?: MessagingObserver;
}) {
  const subscription = await o.broker.subscribe(o.subscription);
  const attempts = new Map<string, number>();
  const report = (to: string | undefined, progress: ResyncProgress) =>
    to
      ? publishConfirmed(o.broker, PUBLICATION.resync, progress, { routingKey: to, messageId: `${progress.requestId}:${progress.sent}` }).catch(
          (err) => o.logger.warn({ err }, 'could not report resync progress'),
        )
      : undefined;

  /** Re-publishes everything; false when another resync of the queue holds its lease. */
  const handle = async (request: ResyncRequest, log: Logger): Promise<boolean> => {
    const servedFrom = await o.leases.servedFrom(request.queue);
    if (request.requestedAt && servedFrom && Date.parse(request.requestedAt) < servedFrom.getTime()) {
      log.info({ servedFrom }, 'resync asked before the last one started: answered by it');
      o.observer?.resync?.(request.queue, 'coalesced');
      await report(request.replyTo, { requestId: request.requestId, sent: 0, total: 0, done: true, coalesced: true });
      return true;
    }
    const lease = await o.leases.acquire(request.queue);
    if (!lease) return false;
    let finished = false;
    try {
      const total = await o.count();
      log.info({ total }, 'resync started');
      let sent = 0;
      let window: Promise<void>[] = [];
      for await (const event of o.snapshot({ correlationId: `resync:${request.requestId}` })) {
        const published = publishConfirmed(o.broker, PUBLICATION.resync, event, {
          routingKey: request.queue,
          messageId: event.eventId,
          correlationId: event.correlationId,
          type: event.type,
        });
        // Handled at once: a rejection while the cursor fetches more must not go unhandled.
        published.catch(() => undefined);
        window.push(published);
        if (window.length >= WINDOW) {
          await Promise.all(window);
          sent += window.length;
          window = [];
          await report(request.replyTo, { requestId: request.requestId, sent, total, done: false });
        }
      }
      await Promise.all(window);
      sent += window.length;
      finished = true;
      await report(request.replyTo, { requestId: request.requestId, sent, total, done: true });
      log.info({ sent }, 'resync finished');
      o.observer?.resync?.(request.queue, 'served');
      return true;
    } finally {
      await lease.release(finished).catch((err) => log.warn({ err }, 'could not release the resync lease (it expires by itself)'));
    }
  };

  subscription
    .on('message', (message: Message, body: unknown, ackOrNack: AckOrNack) => {
      const checked = check(body, message.properties.userId, o.owner, o.identity);
      if ('refused' in checked) {
        o.logger.warn({ request: body, publishedBy: message.properties.userId, reason: checked.refused }, 'refusing a resync request');
        const named = (body as { queue?: unknown } | null)?.queue;
        o.observer?.resync?.(typeof named === 'string' && isConsumerQueue(named) ? named : 'unknown', 'refused');
        return ackOrNack();
      }
      const content = checked.request;
      const log = o.logger.child({ requestId: content.requestId, queue: content.queue, requestedBy: message.properties.userId });
      handle(content, log).then(
        (done) => {
          if (done) return attempts.delete(content.requestId), ackOrNack();
          log.info(`another resync of ${content.queue} is running: looking again in ${BUSY_RETRY_MS / 1000}s`);
          ackOrNack(new Error('busy'), { strategy: 'nack', requeue: true, defer: BUSY_RETRY_MS });
        },
        (err) => {
          const tries = (attempts.get(content.requestId) ?? 0) + 1;
          attempts.set(content.requestId, tries);
          if (tries >= ATTEMPTS) {
            // Dropped with this log line: the consumer asks again at its next start, and
            // `npm run resync` reports that it timed out.
            attempts.delete(content.requestId);
            log.error({ err }, `resync failed ${tries} times; request dropped`);
            o.observer?.resync?.(content.queue, 'failed');
            return ackOrNack();
          }
          log.warn({ err }, 'resync failed; it will be retried');
          ackOrNack(err as Error, { strategy: 'nack', requeue: true, defer: 2_000 });
        },
      );
    })
    .on('invalid_content', (err: Error, m: Message, ackOrNack: AckOrNack) => {
      o.logger.warn({ err, publishedBy: m.properties.userId }, 'refusing a resync request that is not JSON');
      o.observer?.resync?.('unknown', 'refused');
      ackOrNack();
    })
    .on('error', (err: Error) => o.logger.error({ err }, 'resync subscription error'));
  return subscription;
}
