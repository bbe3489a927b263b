import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@cinema/events';

/**
 * Poison messages for a consumer of user events: each breaks the contract one way and must be
 * dead-lettered with a reason matching `reason`. `good` is a valid event to break.
 */
export interface PoisonCase {
  klass: string;
  body: Buffer | string;
  reason: RegExp;
}

const json = (value: unknown) => JSON.stringify(value);

export function poisonCases(good: DomainEvent): PoisonCase[] {
  const fresh = () => ({ ...good, eventId: randomUUID() });
  const { eventId: _drop, ...withoutEventId } = good;
  return [
    { klass: 'empty body', body: '', reason: /invalid content|JSON/i },
    { klass: 'not JSON', body: '{"eventId": "x", oops', reason: /invalid content|JSON/i },
    { klass: 'JSON not an object', body: '[1,2,3]', reason: /not a JSON object/ },
    { klass: 'JSON not an object', body: '"user.created"', reason: /not a JSON object/ },
    { klass: 'JSON not an object', body: 'null', reason: /not a JSON object/ },
    { klass: 'unknown type', body: json({ ...fresh(), type: 'user.exploded' }), reason: /unknown event type "user\.exploded"/ },
    { klass: 'future schemaVersion', body: json({ ...fresh(), schemaVersion: 99 }), reason: /unsupported schemaVersion 99/ },
    { klass: 'missing eventId', body: json(withoutEventId), reason: /invalid envelope: eventId/ },
    { klass: 'wrong aggregateId format', body: json({ ...fresh(), aggregateId: 'not-a-user-id' }), reason: /is not a user id/ },
    { klass: 'wrong aggregateId format', body: json({ ...fresh(), aggregateId: { $ne: null } }), reason: /invalid envelope: aggregateId/ },
    { klass: 'data.id is not the aggregate', body: json({ ...fresh(), aggregateId: 'ffffffffffffffffffffffff' }), reason: /is not the aggregateId/ },
    { klass: 'operator in data', body: json({ ...fresh(), data: { ...good.data, id: { $ne: null } } }), reason: /invalid data of user\.created/ },
    { klass: 'negative version', body: json({ ...fresh(), aggregateVersion: -1 }), reason: /invalid envelope: aggregateVersion/ },
    { klass: 'huge payload (5 MB)', body: json({ ...fresh(), data: { ...good.data, fullName: 'x'.repeat(5_000_000) } }), reason: /exceeds the \d+-byte limit/ },
    { klass: 'invalid UTF-8', body: Buffer.concat([Buffer.from(json({ ...fresh(), data: { ...good.data, fullName: 'A' } }).replace('"A"', '"A')), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]), reason: /not valid UTF-8/ },
  ];
}
