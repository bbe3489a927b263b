import type { DomainEvent } from '@cinema/events';

/**
 * Why a message went to the dead-letter queue: `invalid` (not an event this queue takes), `forged`
 * (its publisher may not publish it: publisher-identity.ts), `implausible` (a version or time the
 * version rule refuses: version-rule.ts), `rejected` (its handler refused it), `redelivered`.
 */
export type DeadLetterReason = 'invalid' | 'forged' | 'implausible' | 'rejected' | 'redelivered';

/** What became of a resync request (resync.ts): served, coalesced with a resync started after it, refused, failed. */
export type ResyncOutcome = 'served' | 'coalesced' | 'refused' | 'failed';

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
  /** An owner answered (or refused) a resync request for `queue` (`unknown` when it named none). */
  resync?(queue: string, outcome: ResyncOutcome): void;
}
