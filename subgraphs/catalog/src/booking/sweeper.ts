import { randomUUID } from 'node:crypto';
import type { Logger } from '@cinema/config';
import { reconcileHolds } from './reconcile-holds';
import type { BookingSaga } from './saga';
import { releaseSeats, settleBooking } from './settle';

/** At most this many of each kind per pass: a backlog drains over a few passes, none runs for long. */
const BATCH = 100;

/**
 * The saga's clock and its safety net, in every catalog process (each step is idempotent and
 * guarded, so several sweepers at once are harmless):
 * 1. PENDING bookings past their deadline expire (booking.expired; users refunds a late debit);
 * 2. closed bookings whose seats are still held get them released (a crash after the closing write);
 * 3. screenings flagged by a hold or a cancellation get their holds reconciled (reconcile-holds.ts).
 */
export class BookingSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  readonly intervalMs: number;

  constructor(
    private readonly saga: BookingSaga,
    private readonly o: { timeoutMs: number; logger: Logger },
  ) {
    // A tenth of the deadline, within 0.1–1 s: a booking expires at most that late.
    this.intervalMs = Math.min(1_000, Math.max(100, Math.round(o.timeoutMs / 10)));
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.running = this.sweep()
        .catch((err) => this.o.logger.warn({ err }, 'booking sweep failed; trying again'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  async sweep(): Promise<{ expired: number; released: number; reconciled: number }> {
    const { saga } = this;
    const now = saga.now();
    const cause = (correlationId?: string) => ({ correlationId: correlationId ?? `sweeper:${randomUUID()}` });
    let expired = 0;
    for (const b of await saga.bookings.overdue(now, BATCH)) {
      if ((await settleBooking(saga, b._id, { type: 'expire', now }, cause(b.correlationId))).applied) expired++;
    }
    // Left alone for a moment: the step that closed it is normally releasing them right now.
    const unreleased = await saga.bookings.unreleased(new Date(now.getTime() - 2 * this.intervalMs), BATCH);
    for (const b of unreleased) await releaseSeats(saga, b);
    let reconciled = 0;
    for (const s of await saga.holds.unchecked(BATCH)) if (await reconcileHolds(saga, s, this.o.timeoutMs, cause())) reconciled++;
    if (expired + unreleased.length > 0) this.o.logger.info({ expired, released: unreleased.length, reconciled }, 'booking sweep');
    return { expired, released: unreleased.length, reconciled };
  }
}
