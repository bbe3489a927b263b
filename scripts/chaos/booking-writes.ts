import { ObjectId } from 'mongodb';
import type { LoadOp } from './load';
import type { SagaSeed } from './saga-seed';
import type { ChaosStack } from './stack';
import { missingFrom, pick, settled, type Entity, type Made, type Workload } from './workload';

/**
 * The booking saga's part of the load (across catalog and users): credits granted to the load's
 * users, seats booked for users who have credits (the seeded ones from the first second), bookings
 * cancelled. Every acknowledged booking must exist; `outcomes` says what became of them.
 */
export interface BookingWorkload extends Workload {
  acknowledged: Set<string>;
  outcomes(stack: ChaosStack): Promise<Record<string, number>>;
}

export function bookingWrites(made: Made, saga?: SagaSeed): BookingWorkload {
  const seeded: Entity[] = (saga?.screeningIds ?? []).map((id) => ({ id, at: 0 }));
  /** Users whose grant was acknowledged (bookings are made for them). */
  const paying: Entity[] = (saga?.userIds ?? []).map((id) => ({ id, at: 0 }));
  const acknowledged = new Set<string>();

  const ops: LoadOp[] = [
    { name: 'grantCredits', weight: 6, async run(call) {
      const userId = pick(settled(made.users));
      const d = userId && (await call('mutation($u: ID!) { grantCredits(userId: $u, amount: 40, reason: "chaos") { id } }', { u: userId }));
      if (d) paying.push({ id: userId, at: Date.now() });
    } },
    // Seats picked at random among 100: some are taken (refused, BAD_USER_INPUT), some users run out
    // of credits (REJECTED), some bookings expire under a fault: every path of the saga runs.
    { name: 'bookSeats', weight: 30, async run(call) {
      const [userId, screeningId] = [pick(paying)?.id, pick([...seeded, ...made.screenings])?.id];
      const seats = [...new Set([1 + Math.floor(Math.random() * 100), 1 + Math.floor(Math.random() * 100)])];
      const d = userId && screeningId && (await call('mutation($i: BookSeatsInput!) { bookSeats(input: $i) { id } }', { i: { screeningId, seats, userId } }));
      if (d) acknowledged.add(d.bookSeats.id);
    } },
    { name: 'cancelBooking', weight: 6, async run(call) {
      const id = pick([...acknowledged]);
      if (id) await call('mutation($id: ID!) { cancelBooking(id: $id) { id } }', { id });
    } },
  ];

  return {
    ops,
    acknowledged,
    missing: (stack: ChaosStack) => missingFrom(stack, 'bookings', stack.databases.catalog, 'bookings', acknowledged),
    /** The statuses the bookings ended in: the saga's paths the fault made it take. */
    async outcomes(stack: ChaosStack): Promise<Record<string, number>> {
      const ids = [...acknowledged].map((id) => new ObjectId(id));
      const docs = await stack.mongo.db(stack.databases.catalog).collection('bookings').find({ _id: { $in: ids } }, { projection: { status: 1 } }).toArray();
      const outcomes: Record<string, number> = {};
      for (const d of docs) outcomes[d.status] = (outcomes[d.status] ?? 0) + 1;
      return outcomes;
    },
  };
}
