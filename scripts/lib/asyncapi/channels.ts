import {
  CONSUMERS,
  EVENTS,
  deadLetterExchange,
  deadLetterQueue,
  resyncExchange,
  resyncQueue,
  resyncRequestExchange,
  retryExchange,
  unroutedExchange,
  unroutedQueue,
  type EventType,
} from '@cinema/events';
import { brokerObjects, eventsOf, exchangeBinding, OBSERVER_QUEUE, OWNERS, QUEUES, queueBinding, SUBSCRIPTION_QUEUE, subscriptionKeys } from './broker';
import { ref } from './json-schema';

/** Ids the document uses (AsyncAPI ids allow letters, digits, `.`, `-` and `_`). */
export const messageKey = (type: EventType) => `${type}.v${EVENTS[type].schemaVersion}`;
export const eventChannel = (type: EventType) => `${EVENTS[type].exchange}.${type}`;
export const queueChannel = (queue: string) => `queue.${queue.replaceAll(':', '.')}`;
export const PROGRESS_CHANNEL = 'resync.progress';
export const RESYNC_REQUEST = 'ResyncRequest';
export const RESYNC_PROGRESS = 'ResyncProgress';

const messagesOf = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, ref(`#/components/messages/${k}`)]));
const eventMessages = (types: readonly EventType[]) => messagesOf(types.map(messageKey));

/**
 * One channel per exchange and routing key (what an owner publishes), and one per queue (what a
 * consumer reads): consumer queues, their dead-letter queues, each owner's resync request queue
 * and its queue of unrouted events. Resync progress goes to a queue the requester names.
 */
export function channels() {
  const { exchanges, queues } = brokerObjects();
  const decl = <T>(all: Record<string, T>, name: string): T => {
    if (!all[name]) throw new Error(`the topology declares no ${name}`);
    return all[name]!;
  };
  const out: Record<string, unknown> = {};

  for (const owner of OWNERS) {
    for (const type of eventsOf(owner)) {
      out[eventChannel(type)] = {
        address: type,
        title: `${type} on ${owner}`,
        description: `Routing key \`${type}\` on the \`${owner}\` topic exchange, published by ${owner} after each change it makes.`,
        messages: eventMessages([type]),
        bindings: { amqp: exchangeBinding(owner, decl(exchanges, owner)) },
      };
    }
  }

  for (const queue of QUEUES) {
    const c = CONSUMERS[queue];
    out[queueChannel(queue)] = {
      address: queue,
      title: `${queue} (${c.consumer})`,
      description:
        `Consumed by ${c.consumer}, bound to \`${c.exchange}\` with ${c.bindingKeys.map((k) => `\`${k}\``).join(', ')}. ` +
        (c.replicates ? `A resync re-publishes the current state of ${c.owner} to it alone through \`${resyncExchange(c.owner)}\` (routing key = queue name); ` : '') +
        `a failed delivery comes back through \`${retryExchange(queue)}\` after a backoff. Only events whose \`user_id\` is ${c.owner}'s ` +
        `broker user, through ${c.owner}'s exchanges, are handled. A message that can never be handled goes to \`${deadLetterQueue(queue)}\` through \`${deadLetterExchange(queue)}\`.`,
      messages: eventMessages(c.handles),
      bindings: {
        amqp: queueBinding(queue, decl(queues, queue), [
          { exchange: c.exchange, keys: c.bindingKeys },
          ...(c.replicates ? [{ exchange: resyncExchange(c.owner), keys: [queue] }] : []),
          { exchange: retryExchange(queue) },
        ]),
      },
    };
    out[queueChannel(deadLetterQueue(queue))] = {
      address: deadLetterQueue(queue),
      title: `${deadLetterQueue(queue)} (dead letters of ${queue})`,
      description:
        `What ${c.consumer} could not handle from \`${queue}\` (not JSON, unknown type, unsupported schemaVersion, invalid data, ` +
        'a publisher that does not own its source, an implausible version, or redelivered past the delivery limit), with the reason ' +
        'in the `rascal.error.message` header and the original publisher in `x-published-by`. For operators: nothing consumes it.',
      messages: eventMessages(c.handles),
      bindings: { amqp: queueBinding(deadLetterQueue(queue), decl(queues, deadLetterQueue(queue)), [{ exchange: deadLetterExchange(queue) }]) },
    };
  }

  for (const owner of OWNERS) {
    out[queueChannel(resyncQueue(owner))] = {
      address: resyncQueue(owner),
      title: `${resyncQueue(owner)} (resync requests to ${owner})`,
      description:
        `Requests to ${owner} to re-publish its current state to one consumer queue (a late joiner, or \`npm run resync\`), sent to ` +
        `\`${resyncRequestExchange(owner)}\`; served only when its \`user_id\` is the broker user of that queue's consumer or of an operator.`,
      messages: messagesOf([RESYNC_REQUEST]),
      bindings: { amqp: queueBinding(resyncQueue(owner), decl(queues, resyncQueue(owner)), [{ exchange: resyncRequestExchange(owner) }]) },
    };
    out[queueChannel(unroutedQueue(owner))] = {
      address: unroutedQueue(owner),
      title: `${unroutedQueue(owner)} (events of ${owner} no queue is bound for)`,
      description: `The alternate exchange of \`${owner}\` routes here whatever no consumer queue is bound for yet; bounded, for inspection only.`,
      messages: eventMessages(eventsOf(owner)),
      bindings: { amqp: queueBinding(unroutedQueue(owner), decl(queues, unroutedQueue(owner)), [{ exchange: unroutedExchange(owner) }]) },
    };
  }

  out[queueChannel('gateway:response-cache')] = {
    address: OBSERVER_QUEUE,
    title: 'gateway:response-cache (one per gateway process)',
    description:
      'With RESPONSE_CACHE=on, each gateway process reads every event here to evict the cached answers it may change; ' +
      'exclusive, so it goes with its connection (the gateway then answers uncached until it is back).',
    parameters: { instance: { description: 'Host name, process id and a random suffix of one gateway process.' } },
    messages: eventMessages(OWNERS.flatMap(eventsOf)),
    bindings: { amqp: queueBinding(OBSERVER_QUEUE, decl(queues, OBSERVER_QUEUE), OWNERS.map((exchange) => ({ exchange, keys: ['#'] }))) },
  };

  out[queueChannel('gateway:subscriptions')] = {
    address: SUBSCRIPTION_QUEUE,
    title: 'gateway:subscriptions (one per gateway process)',
    description:
      'Each gateway process reads here the events its GraphQL subscriptions are made of (docs/subscriptions.md): a key is bound ' +
      'while a live subscription needs it, unbound when the last one leaves. Not exclusive (bound at run time from a second ' +
      'connection); the broker deletes it once unused for `x-expires`.',
    parameters: { instance: { description: 'Host name, process id and a random suffix of one gateway process.' } },
    messages: eventMessages(subscriptionKeys()),
    bindings: { amqp: queueBinding(SUBSCRIPTION_QUEUE, decl(queues, SUBSCRIPTION_QUEUE), OWNERS.flatMap((exchange) => { const keys = subscriptionKeys().filter((k) => EVENTS[k].exchange === exchange); return keys.length ? [{ exchange, keys }] : []; })) },
  };

  out[PROGRESS_CHANNEL] = {
    address: null,
    title: 'resync progress',
    description:
      "An operator's queue a resync request's `replyTo` names (`ops:resync:<id>`, bound to the owner's `<owner>:resync` exchange with its name as the key); progress after each window of events, then once done.",
    messages: messagesOf([RESYNC_PROGRESS]),
  };
  return out;
}
