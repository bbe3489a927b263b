import { EVENTS, isEventType, parseEvent, type DomainEvent, type Exchange } from '@cinema/events';
import type { Message } from 'amqplib';
import type { PlaneIdentity } from './broker-user';
import { refuseBody } from './consumer';
import { qualify } from './topology';

/** Every owner's exchange, from the contract: what an observer of every event binds to. */
export const OWNER_EXCHANGES: readonly Exchange[] = [...new Set(Object.values(EVENTS).map((d) => d.exchange))];

/**
 * What an observer (the gateway: every event of every owner, on a queue of its process alone) makes
 * of a delivery. The same checks as a consumer's (size, UTF-8, JSON, envelope, publisher identity:
 * publisher-identity.ts) without a dead-letter queue: the caller drops what is refused, with a log
 * line and a metric, and goes on (it must never restart over content). An event of a type this
 * process does not know yet (a newer owner during a rollout) is `unknown`, once its publisher is
 * known to own the exchange it came through. `content` is what Rascal parsed, undefined when the
 * body was not JSON.
 */
export type Observed =
  | { ok: true; event: DomainEvent }
  | { ok: 'unknown'; type: string }
  | { ok: false; reason: 'invalid' | 'forged'; detail: string };

export function readObserved(message: Message, content: unknown, identity: PlaneIdentity, namespace?: string): Observed {
  const body = refuseBody(message.content);
  if (body) return { ok: false, reason: 'invalid', detail: body };
  if (content === undefined) return { ok: false, reason: 'invalid', detail: 'message body is not JSON' };
  const owner = OWNER_EXCHANGES.find((e) => qualify(e, namespace) === message.fields.exchange);
  if (!owner) return { ok: false, reason: 'forged', detail: `arrived through "${message.fields.exchange}", not an owner's exchange` };
  const userId: unknown = message.properties.userId;
  if (userId !== identity.userOf(owner)) {
    return { ok: false, reason: 'forged', detail: `published on ${owner} by ${typeof userId === 'string' ? `"${userId}"` : 'no user_id'}, not by ${identity.userOf(owner)}` };
  }
  const parsed = parseEvent(content);
  if (parsed.ok) return { ok: true, event: parsed.event };
  const type = (content as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && !isEventType(type) && /^unknown event type/.test(parsed.reason)) return { ok: 'unknown', type };
  return { ok: false, reason: 'invalid', detail: parsed.reason };
}
