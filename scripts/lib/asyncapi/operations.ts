import { CONSUMERS, resyncQueue, type EventType } from '@cinema/events';
import { eventsOf, OWNERS, QUEUES, subscriptionKeys } from './broker';
import { eventChannel, messageKey, PROGRESS_CHANNEL, queueChannel, RESYNC_PROGRESS, RESYNC_REQUEST } from './channels';
import { ref } from './json-schema';

const id = (...parts: string[]) => parts.map((p) => p.replaceAll(':', '.')).join('.');
const channelRef = (channel: string) => ref(`#/channels/${channel}`);
const messageRefs = (channel: string, keys: string[]) => keys.map((k) => ref(`#/channels/${channel}/messages/${k}`));
const eventRefs = (channel: string, types: readonly EventType[]) => messageRefs(channel, types.map(messageKey));

// Every publish is persistent (deliveryMode 2), confirmed, and mandatory where it goes through an
// exchange (an unroutable message is an error, not a success); every consumer acks after its write.
const PUBLISH = { amqp: { deliveryMode: 2, mandatory: true, timestamp: true, bindingVersion: '0.3.0' } };
const DIRECT = { amqp: { deliveryMode: 2, bindingVersion: '0.3.0' } };
const CONSUME = { amqp: { ack: true, bindingVersion: '0.3.0' } };

/** Who sends and receives what: `<service>.<action>.<what>`. */
export function operations() {
  const out: Record<string, unknown> = {};
  for (const owner of OWNERS) {
    for (const type of eventsOf(owner)) {
      out[id(owner, 'publish', type)] = {
        action: 'send',
        channel: channelRef(eventChannel(type)),
        summary: `${owner} publishes ${type} from its outbox, after the write that recorded it.`,
        messages: eventRefs(eventChannel(type), [type]),
        bindings: PUBLISH,
      };
    }
  }
  for (const queue of QUEUES) {
    const c = CONSUMERS[queue];
    out[id(c.consumer, 'consume', queue)] = {
      action: 'receive',
      channel: channelRef(queueChannel(queue)),
      summary: `${c.consumer} applies the events of ${c.owner} to its read model (idempotent, version-guarded).`,
      messages: eventRefs(queueChannel(queue), c.handles),
      bindings: CONSUME,
    };
    out[id(c.owner, 'resync', queue)] = {
      action: 'send',
      channel: channelRef(queueChannel(queue)),
      summary: `${c.owner} re-publishes its current state to ${queue} alone when asked (a snapshot as versioned events).`,
      messages: eventRefs(queueChannel(queue), c.handles),
      bindings: DIRECT,
    };
    out[id(c.consumer, 'request-resync', queue)] = {
      action: 'send',
      channel: channelRef(queueChannel(resyncQueue(c.owner))),
      summary: `${c.consumer} asks ${c.owner} for a resync of ${queue} when it starts with an empty read model.`,
      messages: messageRefs(queueChannel(resyncQueue(c.owner)), [RESYNC_REQUEST]),
      bindings: DIRECT,
    };
  }
  out[id('gateway', 'observe')] = {
    action: 'receive',
    channel: channelRef(queueChannel('gateway:response-cache')),
    summary: 'Each gateway process evicts the cached answers an event may change (RESPONSE_CACHE=on); an unknown event type clears its cache.',
    messages: eventRefs(queueChannel('gateway:response-cache'), OWNERS.flatMap(eventsOf)),
    bindings: CONSUME,
  };
  out[id('gateway', 'serve-subscriptions')] = {
    action: 'receive',
    channel: channelRef(queueChannel('gateway:subscriptions')),
    summary: "Each gateway process answers its live subscriptions' selections through the graph for every matching event (docs/subscriptions.md).",
    messages: eventRefs(queueChannel('gateway:subscriptions'), subscriptionKeys()),
    bindings: CONSUME,
  };
  for (const owner of OWNERS) {
    out[id(owner, 'serve-resync')] = {
      action: 'receive',
      channel: channelRef(queueChannel(resyncQueue(owner))),
      summary: `${owner} serves resync requests, one at a time; an invalid request is dropped with a warning in the log.`,
      messages: messageRefs(queueChannel(resyncQueue(owner)), [RESYNC_REQUEST]),
      bindings: CONSUME,
      reply: {
        address: { location: '$message.payload#/replyTo', description: 'Only when the request names a queue.' },
        channel: channelRef(PROGRESS_CHANNEL),
        messages: messageRefs(PROGRESS_CHANNEL, [RESYNC_PROGRESS]),
      },
    };
  }
  return out;
}
