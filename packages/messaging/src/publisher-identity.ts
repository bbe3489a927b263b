import { publisherOf, resyncExchange, type DomainEvent } from '@cinema/events';
import type { Message } from 'amqplib';
import type { PlaneIdentity } from './broker-user';
import { qualify } from './topology';
import type { Origin } from './version-rule';

/**
 * Publisher identity (docs/reliability.md, "Threats"). RabbitMQ refuses a message whose `user_id`
 * is not the login of the connection that publishes it, so `user_id` names the publisher, and each
 * broker user may write only its own exchanges (broker-permissions.ts). An event is trusted when:
 * - its `source` owns its type (parseEvent checks that), and
 * - its `user_id` is the broker user of that owner, and
 * - it came through one of that owner's exchanges: the topic exchange (`live`) or its resync
 *   exchange (`resync`, the owner's current state sent to this queue alone);
 * - or it is this consumer's own retry (through its retry exchange, `user_id` its own user): the
 *   first delivery passed these checks. Rascal restores the original exchange and routing key from
 *   the retry's headers, and anyone could write those headers, so only our own `user_id` makes
 *   them count.
 * Anything else is dead-lettered with the reason and counted (`forged`).
 */
export type Verified = { ok: true; origin: Origin } | { ok: false; reason: string };

const show = (user: unknown) => (typeof user === 'string' && user ? `"${user}"` : 'no user_id');

export function verifyPublisher(event: DomainEvent, message: Pick<Message, 'fields' | 'properties'>, identity: PlaneIdentity, namespace?: string): Verified {
  const owner = publisherOf(event.type);
  const userId: unknown = message.properties.userId;
  const exchange = message.fields.exchange;
  const origin: Origin = exchange === qualify(resyncExchange(owner), namespace) ? 'resync' : 'live';
  if (message.properties.headers?.rascal?.restoreRoutingHeaders) {
    return userId === identity.self ? { ok: true, origin } : { ok: false, reason: `a retry sent by ${show(userId)}, not by this consumer (${identity.self})` };
  }
  const expected = identity.userOf(owner);
  if (userId !== expected) return { ok: false, reason: `${event.type} published by ${show(userId)}: only ${expected}, the owner of source "${owner}", may publish it` };
  if (exchange !== qualify(owner, namespace) && origin !== 'resync') {
    return { ok: false, reason: `${event.type} arrived through ${exchange ? `exchange "${exchange}"` : 'the default exchange'}, not through ${owner}'s exchanges` };
  }
  return { ok: true, origin };
}
