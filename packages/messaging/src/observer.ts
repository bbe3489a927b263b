import type { DomainEvent } from '@cinema/events';

/** Why a message went to the dead-letter queue. */
export type DeadLetterReason = 'invalid' | 'rejected' | 'redelivered';

/**
 * What the relay and the consumers report as they work, for metrics (messaging-metrics.ts).
 * Every hook is optional and must not throw; tracing does not go through here (the OpenTelemetry
 * API is already a no-op seam).
 */
export interface MessagingObserver {
  /** The broker confirmed an outbox event, `seconds` after it was handed to the broker. */
  published?(event: DomainEvent, seconds: number): void;
  /** A publish failed; the event stays in the outbox. */
  publishFailed?(event: DomainEvent, err: unknown): void;
  /** An event was handled and acked; `outcome` is what the handler said (applied, stale) or `ok`. */
  consumed?(queue: string, event: DomainEvent, outcome: string, seconds: number): void;
  /** Handling failed and the message was scheduled for a retry. */
  retried?(queue: string, event: DomainEvent, seconds: number): void;
  /** A message was dead-lettered; `event` is absent when it could not be parsed. */
  deadLettered?(queue: string, reason: DeadLetterReason, event?: DomainEvent): void;
}
