import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger } from '@cinema/config';
import type { DomainEvent, EventType } from '@cinema/events';
import { identityKey, type Identity } from '@cinema/serving';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { answer, ENTITY_ID_VARIABLE, matchQuery, type DerivedQuery } from './derive-query';
import { valueAt, type LiveField } from './live-fields';
import { LiveStream } from './live-stream';
import type { SubscriptionMetrics } from './metrics';
import { VersionGate } from './version-gate';

/** What subscribers asking the same thing share for one event: executions and finished payloads, by key. */
interface Shared {
  executions: Map<string, Promise<ExecutionResult>>;
  payloads: Map<string, Promise<Payload>>;
}

/** Runs a query through the gateway's own executor as `identity` (null: anonymous), under this correlation id when given. */
export type Execute = (query: string, variables: Record<string, unknown>, identity: Identity | null, correlationId?: string) => Promise<ExecutionResult>;

const tracer = trace.getTracer('@cinema/gateway');

export const SOURCE_LOST = 'SUBSCRIPTION_SOURCE_LOST';

interface Subscriber {
  live: LiveField;
  derived: DerivedQuery;
  identity: Identity | null;
  stream: LiveStream;
  /** True while the client's connection holds more unsent bytes than allowed. */
  congested: () => boolean;
  gate: VersionGate;
  /** Payloads of one subscriber go out one after the other, in the order their events arrived. */
  chain: Promise<void>;
  /** Subscribers with the same query, variables and caller share one execution per event (made once, at subscribe). */
  executionKey: string;
  /** ... and, with the same field and response key too, one finished payload (moved, size-checked). */
  payloadKey: string;
  /** This subscriber's metric series, looked up once rather than per payload. */
  series: { delivered: { inc(): void }; latency: { observe(v: number): void }; inGateway: { observe(v: number): void } };
}

/** One finished payload for every subscriber of a payloadKey, and whether it replaced one too large. */
interface Payload {
  result: ExecutionResult;
  tooLarge: boolean;
}

export interface HubOptions {
  execute: Execute;
  logger: Logger;
  metrics: SubscriptionMetrics;
  /** Payloads a subscriber may have waiting before it is cut off. */
  maxQueued: number;
  /** Largest payload, as JSON bytes: a larger one is replaced by a PAYLOAD_TOO_LARGE error. */
  maxPayloadBytes: number;
}

/**
 * Every live subscription of this process, indexed by field and argument, and what each event
 * becomes: the subscribers whose argument it matches each get their selection set answered
 * through the federated graph, as themselves (so the subgraphs' own rules apply to every payload).
 * Subscribers asking the same thing as the same caller share one execution per event.
 */
/** What the hub needs from the event link: a routing key bound while a subscription needs it. */
export interface EventInterest {
  acquire(keys: readonly EventType[]): Promise<void>;
  release(keys: readonly EventType[]): void;
}

export class SubscriptionHub {
  private readonly byField = new Map<string, Map<string, Set<Subscriber>>>();
  private up = false;
  /** Set once the event link exists (index.ts); until then, and while the link is down, subscriptions are refused. */
  interest: EventInterest | undefined;

  constructor(private readonly fields: Map<string, LiveField>, private readonly o: HubOptions) {}

  get available() {
    return this.up;
  }

  /** The link to the broker came (back) or went: on the way down, every subscriber is told and ended. */
  setAvailable(up: boolean) {
    if (this.up === up) return;
    this.up = up;
    if (up) return;
    const lost = new GraphQLError('the event source of this subscription was lost: subscribe again, and refetch what you show (events may have been missed)', { extensions: { code: SOURCE_LOST } });
    for (const byValue of this.byField.values()) for (const subs of byValue.values()) for (const s of subs) {
      this.o.metrics.dropped.inc({ reason: 'source_lost' });
      s.stream.last({ errors: [lost] });
    }
  }

  /** A live subscription, once the keys of its events are bound (so no event after this is missed); rejects if they cannot be. */
  async open(live: LiveField, derived: DerivedQuery, identity: Identity | null, transport: { name: string; cut: () => void; congested: () => boolean }): Promise<LiveStream> {
    const interest = this.interest;
    if (!interest) throw new Error('no event link');
    await interest.acquire(live.events).catch((err) => {
      interest.release(live.events);
      throw err;
    });
    const onOverflow = transport.cut;
    const stream = new LiveStream(this.o.maxQueued, () => {
      this.o.metrics.dropped.inc({ reason: 'slow_client' });
      onOverflow();
    });
    const executionKey = JSON.stringify([derived.query, derived.variables, identityKey(identity)]);
    const series = { delivered: this.o.metrics.delivered.labels(live.field), latency: this.o.metrics.latency.labels(live.field), inGateway: this.o.metrics.inGateway.labels(live.field) };
    const s: Subscriber = { live, derived, identity, stream, congested: transport.congested, gate: new VersionGate(), chain: Promise.resolve(), executionKey, payloadKey: JSON.stringify([executionKey, live.entity, derived.responseKey]), series };
    const byValue = this.byField.get(live.field) ?? this.byField.set(live.field, new Map()).get(live.field)!;
    const set = byValue.get(derived.argumentValue) ?? byValue.set(derived.argumentValue, new Set()).get(derived.argumentValue)!;
    set.add(s);
    this.o.metrics.active.inc({ field: live.field, transport: transport.name });
    stream.whenEnded(() => {
      set.delete(s);
      if (set.size === 0) byValue.delete(derived.argumentValue);
      this.o.metrics.active.dec({ field: live.field, transport: transport.name });
      interest.release(live.events);
    });
    return stream;
  }

  /** One event: matched against every field it feeds, answered once per distinct (query, caller). */
  async onEvent(event: DomainEvent, receivedAt: number) {
    this.o.metrics.events.inc({ type: event.type });
    // Per event: every key below is about this event's entity.
    const shared: Shared = { executions: new Map(), payloads: new Map() };
    for (const live of this.fields.values()) {
      if (!live.events.includes(event.type)) continue;
      const byValue = this.byField.get(live.field);
      if (!byValue || byValue.size === 0) continue;
      const value = live.match.from === 'data' ? valueAt(event.data, live.match.path) : await this.entityValue(live, event.aggregateId);
      const subs = value === undefined ? undefined : byValue.get(value);
      for (const s of subs ?? []) {
        if (!s.gate.admit(event.aggregateId, event.aggregateVersion)) {
          this.o.metrics.dropped.inc({ reason: 'stale' });
          continue;
        }
        s.chain = s.chain.then(() => this.deliver(s, event, receivedAt, shared));
      }
    }
  }

  /** The payload's execution in a span of its own naming the event (its subgraph fetches nest in it). */
  private traced(event: DomainEvent, s: Subscriber, run: () => Promise<ExecutionResult>): Promise<ExecutionResult> {
    const attributes = { 'cinema.correlation_id': event.correlationId, 'messaging.message.id': event.eventId, 'cinema.event.type': event.type, 'graphql.subscription.field': s.live.field };
    return tracer.startActiveSpan('subscription payload', { attributes }, (span) =>
      run()
        .catch((err) => {
          span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
          throw err;
        })
        .finally(() => span.end()),
    );
  }

  private async entityValue(live: LiveField, id: string) {
    const result = await this.o.execute(matchQuery(live), { [ENTITY_ID_VARIABLE]: id }, null).catch(() => undefined);
    return valueAt(result?.data?.entity, live.match.path);
  }

  private async deliver(s: Subscriber, event: DomainEvent, receivedAt: number, shared: Shared) {
    if (s.stream.closed) return;
    let pending = shared.payloads.get(s.payloadKey);
    if (!pending) shared.payloads.set(s.payloadKey, (pending = this.payload(s, event, shared)));
    const { result, tooLarge } = await pending;
    if (tooLarge) this.o.metrics.dropped.inc({ reason: 'too_large' });
    if (s.congested() || !s.stream.push(result)) return void s.stream.cut();
    const now = Date.now();
    s.series.delivered.inc();
    s.series.latency.observe(Math.max(0, (now - Date.parse(event.occurredAt)) / 1000));
    s.series.inGateway.observe((now - receivedAt) / 1000);
    if (this.o.logger.isLevelEnabled('debug')) {
      this.o.logger.debug(
        { correlationId: event.correlationId, eventId: event.eventId, type: event.type, entity: event.aggregateId, version: event.aggregateVersion, field: s.live.field, inGatewayMs: now - receivedAt },
        'subscriptions: delivered',
      );
    }
  }

  /**
   * The payload every subscriber of `s.payloadKey` receives for this event, made once: executed
   * (shared by every subscriber of `s.executionKey`), moved under the response key, size-checked.
   * The 100 subscribers of one movie cost one execution and one serialization, not 100.
   */
  private async payload(s: Subscriber, event: DomainEvent, shared: Shared): Promise<Payload> {
    let pending = shared.executions.get(s.executionKey);
    if (!pending) {
      const variables = { ...s.derived.variables, [ENTITY_ID_VARIABLE]: event.aggregateId };
      shared.executions.set(s.executionKey, (pending = this.traced(event, s, () => this.o.execute(s.derived.query, variables, s.identity, event.correlationId))));
    }
    let result: ExecutionResult;
    try {
      result = answer(await pending, s.live.entity, s.derived.responseKey);
    } catch (err) {
      this.o.logger.error({ err, correlationId: event.correlationId }, 'subscriptions: a payload could not be answered');
      result = { errors: [new GraphQLError('this payload could not be answered', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
    }
    if (JSON.stringify(result).length <= this.o.maxPayloadBytes) return { result, tooLarge: false };
    return { result: { errors: [new GraphQLError(`payload over ${this.o.maxPayloadBytes} bytes: select less`, { extensions: { code: 'PAYLOAD_TOO_LARGE' } })] }, tooLarge: true };
  }
}
