import type { MongoClient } from 'mongodb';
import type { Databases } from './read-models';

/**
 * The booking saga's invariants (docs/bookings.md), checked once the system is quiet, across both
 * services' databases:
 * - every account: credits = granted − debited + refunded (debits still standing, by its ledger);
 * - every CONFIRMED booking: exactly one debit, no refund;
 * - every REJECTED, EXPIRED or CANCELLED booking: no debit left standing (a debit has its refund);
 * - every screening: no seat in two live bookings, no more seats held than its capacity, and its
 *   holds are exactly its live bookings' seats (a closed booking's are released);
 * - no booking still PENDING (it would be in flight: the system is not quiet yet).
 */
export type Finding = { kind: 'lost' | 'duplicated' | 'unexpected'; detail: string };

interface Entry { amount: number; state: 'debited' | 'rejected' | 'refunded' }
const CLOSED = new Set(['REJECTED', 'EXPIRED', 'CANCELLED']);

export async function checkSaga(client: MongoClient, dbs: Databases): Promise<{ findings: Finding[]; checked: Record<string, number> }> {
  const findings: Finding[] = [];
  const found = (kind: Finding['kind'], detail: string) => findings.push({ kind, detail });
  const users = await client.db(dbs.users).collection('users').find({}, { projection: { credits: 1, creditsGranted: 1, ledger: 1 } }).toArray();
  const refused = new Set((await client.db(dbs.users).collection('booking_rejections').find({}, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id)));
  const bookings = await client.db(dbs.catalog).collection('bookings').find({}, { projection: { outbox: 0 } }).toArray();
  const screenings = await client.db(dbs.catalog).collection('screenings').find({}, { projection: { seatsTaken: 1, holds: 1, capacity: 1, cancelledAt: 1 } }).toArray();

  // Accounts: the balance is what its ledger and grants say.
  const ledgers = new Map<string, Record<string, Entry>>();
  for (const u of users) {
    const ledger = (u.ledger ?? {}) as Record<string, Entry>;
    ledgers.set(String(u._id), ledger);
    const standing = Object.values(ledger).filter((e) => e.state === 'debited').reduce((n, e) => n + e.amount, 0);
    const expected = (u.creditsGranted ?? 0) - standing;
    const credits = u.credits ?? 0;
    if (credits !== expected || credits < 0) {
      found(credits < expected ? 'duplicated' : 'unexpected', `user ${u._id}: credits ${credits}, but granted ${u.creditsGranted ?? 0} − debits standing ${standing} = ${expected}`);
    }
  }

  // Bookings against the ledgers.
  const byId = new Map(bookings.map((b) => [String(b._id), b]));
  for (const b of bookings) {
    const ledger = ledgers.get(String(b.userId));
    const entry = ledger?.[String(b._id)];
    const what = `booking ${b._id} (${b.status})`;
    if (b.releasePending) found('lost', `${what}: its seats' release never finished`);
    if (entry && entry.amount !== b.amount) found('unexpected', `${what}: amount ${b.amount}, the ledger says ${entry.amount}`);
    if (b.status === 'PENDING') found('lost', `${what}: still PENDING (no answer applied, not expired)`);
    else if (b.status === 'CONFIRMED' && entry?.state !== 'debited') found(entry ? 'unexpected' : 'lost', `${what}: confirmed, but the ledger says ${entry?.state ?? 'nothing'}`);
    else if (CLOSED.has(b.status)) {
      if (entry?.state === 'debited') found('lost', `${what}: debited and never refunded`);
      // users answered or heard of the closing (a rejection of a user it does not know is kept apart).
      if (!entry && ledger && b.status === 'REJECTED') found('unexpected', `${what}: rejected without users' answer`);
      if (!entry && ledger && b.status !== 'REJECTED') found('lost', `${what}: users never heard it closed`);
      if (!ledger && b.status === 'REJECTED' && !refused.has(String(b._id))) found('unexpected', `${what}: rejected without users' answer`);
    }
  }
  for (const [userId, ledger] of ledgers) {
    for (const [bookingId, e] of Object.entries(ledger)) {
      const b = byId.get(bookingId);
      if (!b || String(b.userId) !== userId) found('unexpected', `user ${userId}: ledger entry (${e.state}) for booking ${bookingId}, which is not theirs or does not exist`);
    }
  }

  // Seats: held once, within capacity, exactly the live bookings'.
  const live = bookings.filter((b) => b.status === 'PENDING' || b.status === 'CONFIRMED');
  const liveSeats = new Map<string, Map<number, string>>();
  for (const b of live) {
    const seats = liveSeats.get(String(b.screeningId)) ?? new Map<number, string>();
    for (const seat of b.seats as number[]) {
      if (seats.has(seat)) found('duplicated', `screening ${b.screeningId}: seat ${seat} in live bookings ${seats.get(seat)} and ${b._id}`);
      seats.set(seat, String(b._id));
    }
    liveSeats.set(String(b.screeningId), seats);
  }
  for (const s of screenings) {
    const taken = (s.seatsTaken ?? []) as number[];
    const capacity = s.capacity ?? 100;
    if (new Set(taken).size !== taken.length) found('duplicated', `screening ${s._id}: a seat held twice (${taken.join(',')})`);
    if (taken.length > capacity) found('duplicated', `screening ${s._id}: ${taken.length} seats held, capacity ${capacity}`);
    const holds = Object.entries((s.holds ?? {}) as Record<string, { seats: number[] }>);
    const held = holds.flatMap(([, h]) => h.seats).sort((a, b) => a - b);
    if (held.join() !== [...taken].sort((a, b) => a - b).join()) found('unexpected', `screening ${s._id}: seatsTaken ${taken.join(',')} but holds ${held.join(',')}`);
    for (const [bookingId] of holds) {
      const b = byId.get(bookingId);
      if (!b || CLOSED.has(b.status)) found('lost', `screening ${s._id}: seats still held for ${b ? `${b.status} ` : 'missing '}booking ${bookingId}`);
      else if (s.cancelledAt) found('lost', `screening ${s._id} is cancelled, booking ${bookingId} is still ${b.status}`);
    }
    const mine = liveSeats.get(String(s._id)) ?? new Map();
    for (const [seat, bookingId] of mine) if (!s.holds?.[bookingId]?.seats.includes(seat)) found('unexpected', `booking ${bookingId}: seat ${seat} not held at screening ${s._id}`);
  }
  return { findings, checked: { accounts: users.filter((u) => u.creditsGranted !== undefined || u.ledger !== undefined).length, bookings: bookings.length } };
}
