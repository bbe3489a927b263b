import { ObjectId, type Collection, type Db } from 'mongodb';
import type { Cause, DomainEvent } from '@cinema/events';
import { updateWithEvent, withEvent, type OnEvents } from '@cinema/messaging';
import { isDuplicateKeyError } from '@cinema/mongo';
import { badUserInput } from '@cinema/serving';
import type { UserDoc } from '../user/user';
import { accountOf, evolveAccount, MAX_BALANCE, type Account, type BookingFacts, type Decision } from './account';
import { decisionEvent, grantedEvent } from './events';

/** A booking of a user users has no document for: refused, with its event in a document of its own. */
interface RejectionDoc {
  _id: ObjectId;
  userId: ObjectId;
  amount: number;
  reason: string;
  at: Date;
  version: number;
  outbox?: DomainEvent[];
}

export type SettleOutcome = 'debited' | 'rejected' | 'refunded' | 'stale';
const OUTCOME = { debit: 'debited', reject: 'rejected', refund: 'refunded' } as const;

/**
 * All MongoDB access for credit accounts. Every change is one version-guarded write of the user's
 * document (balance, ledger entry, `creditsVersion` and the event in its outbox together), so a
 * debit can never happen without its ledger entry, nor twice.
 */
export class AccountRepository {
  readonly users: Collection<UserDoc>;
  /** Bookings of unknown users, refused: the event needs a document to live in until published. */
  readonly rejections: Collection<RejectionDoc>;
  private readonly now: () => Date;
  private readonly onEvents?: OnEvents;

  constructor(db: Db, options: { now?: () => Date; onEvents?: OnEvents } = {}) {
    this.users = db.collection<UserDoc>('users');
    this.rejections = db.collection<RejectionDoc>('booking_rejections');
    this.now = options.now ?? (() => new Date());
    this.onEvents = options.onEvents;
  }

  /** Adds credits to a live user's account; null when there is no such user. */
  async grant(userId: ObjectId, amount: number, reason: string, cause: Cause): Promise<UserDoc | null> {
    const id = userId.toHexString();
    let held: number | undefined;
    const doc = await updateWithEvent(
      this.users,
      { _id: userId, deletedAt: null },
      (current, version) => {
        const account = accountOf(current);
        const balance = account.credits + amount;
        if (balance > MAX_BALANCE) return (held = account.credits), null;
        return { set: { credits: balance, creditsGranted: account.granted + amount }, event: grantedEvent(id, amount, reason, balance, version, cause) };
      },
      this.onEvents,
      { versionField: 'creditsVersion' },
    );
    if (held !== undefined) throw badUserInput(`amount: the balance (${held}) would exceed ${MAX_BALANCE} credits`, 'amount');
    return doc;
  }

  /**
   * Applies what `decide` makes of the booking for this user's account, once: the ledger entry of a
   * booking already decided makes `decide` answer 'none' (stale). An unknown user's booking is refused.
   */
  async settle(userId: string, booking: BookingFacts, decide: (a: Account, b: BookingFacts) => Decision, cause: Cause): Promise<SettleOutcome> {
    let decided: Decision | undefined;
    const doc = await updateWithEvent(
      this.users,
      { _id: new ObjectId(userId) },
      (current, version) => {
        const account = accountOf(current);
        decided = decide(account, booking);
        const next = evolveAccount(account, booking.id, decided, this.now());
        if (!next || decided.kind === 'none') return null;
        const set = { credits: next.credits, [`ledger.${booking.id}`]: next.entry } as Partial<UserDoc>;
        return { set, event: decisionEvent(userId, booking.id, decided, next.credits, version, cause) };
      },
      this.onEvents,
      { versionField: 'creditsVersion' },
    );
    if (doc) return OUTCOME[decided!.kind as keyof typeof OUTCOME];
    if (decided) return 'stale';
    return booking.status === 'PENDING' ? this.rejectUnknown(userId, booking, cause) : 'stale';
  }

  /** Insert-once by booking id: a redelivered request finds its rejection there (duplicate key). */
  private async rejectUnknown(userId: string, booking: BookingFacts, cause: Cause): Promise<SettleOutcome> {
    const reason = 'no such user';
    const decision = { kind: 'reject' as const, amount: booking.amount, reason };
    const _id = new ObjectId(booking.id);
    const doc = withEvent(
      { _id, userId: new ObjectId(userId), amount: booking.amount, reason, at: this.now(), version: 1 },
      decisionEvent(userId, booking.id, decision, null, 1, cause),
    );
    try {
      await this.rejections.insertOne(doc);
    } catch (err) {
      if (isDuplicateKeyError(err)) return 'stale';
      throw err;
    }
    this.onEvents?.(this.rejections, _id, doc.outbox);
    return 'rejected';
  }
}
