import { CONSUMERS, resyncRequestSchema, type DomainEvent, type Exchange, type ResyncProgress, type ResyncRequest } from '@cinema/events';
import type { Message } from 'amqplib';
import type { Logger } from 'pino';
import type { AckOrNack } from 'rascal';
import { publishConfirmed, type Broker } from './broker';
import { PUBLICATION, qualify } from './topology';

/** Current state of every entity of one owner, as versioned events (tombstones included). */
export type Snapshot = (cause: { correlationId: string }) => AsyncIterable<DomainEvent>;

const WINDOW = 500;

/**
 * Rule 6, the owner's side: on a resync request, re-publish the current state of every entity,
 * straight to the one consumer queue that asked (the default exchange routes by queue name, so no
 * other consumer sees it), with confirms pipelined in windows, reporting progress to `replyTo`.
 */
export async function serveResync(o: {
  broker: Broker;
  owner: Exchange;
  namespace?: string;
  subscription: string;
  snapshot: Snapshot;
  count: () => Promise<number>;
  logger: Logger;
}) {
  const subscription = await o.broker.subscribe(o.subscription);
  const report = (to: string | undefined, progress: ResyncProgress) =>
    to
      ? publishConfirmed(o.broker, PUBLICATION.direct, progress, { routingKey: to, messageId: `${progress.requestId}:${progress.sent}` }).catch(
          (err) => o.logger.warn({ err }, 'could not report resync progress'),
        )
      : undefined;

  const handle = async (request: ResyncRequest) => {
    const total = await o.count();
    const log = o.logger.child({ requestId: request.requestId, queue: request.queue });
    log.info({ total }, 'resync started');
    let sent = 0;
    let window: Promise<void>[] = [];
    for await (const event of o.snapshot({ correlationId: `resync:${request.requestId}` })) {
      const published = publishConfirmed(o.broker, PUBLICATION.direct, event, {
        routingKey: qualify(request.queue, o.namespace),
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
    await report(request.replyTo, { requestId: request.requestId, sent, total, done: true });
    log.info({ sent }, 'resync finished');
  };

  subscription
    .on('message', (_m: Message, content: unknown, ackOrNack: AckOrNack) => {
      // The same schema the AsyncAPI document publishes for this queue.
      const request = resyncRequestSchema.safeParse(content);
      if (!request.success || CONSUMERS[request.data.queue].owner !== o.owner) {
        o.logger.warn({ request: content }, 'dead-lettering an invalid resync request');
        return ackOrNack(new Error('invalid resync request'), { strategy: 'nack' });
      }
      handle(request.data).then(
        () => ackOrNack(),
        (err) => {
          o.logger.warn({ err }, 'resync failed; it will be retried');
          // A few tries (a broker blip), then the request is dropped with this log line: the
          // consumer asks again at its next start, and `npm run resync` reports that it timed out.
          ackOrNack(err as Error, [{ strategy: 'republish', defer: 2_000, attempts: 5 }, { strategy: 'nack' }]);
        },
      );
    })
    .on('invalid_content', (err: Error, _m: Message, ackOrNack: AckOrNack) => ackOrNack(err, { strategy: 'nack' }))
    .on('error', (err: Error) => o.logger.error({ err }, 'resync subscription error'));
  return subscription;
}
