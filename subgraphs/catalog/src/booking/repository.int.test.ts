import { ObjectId } from 'mongodb';
import { testDatabase, type TestDatabase } from '@cinema/testing';
import { bookSeats } from './book-seats';
import { bookingSaga, type BookingSaga } from './saga';
import { settleBooking } from './settle';

let t: TestDatabase;
let saga: BookingSaga;
let clock = new Date('2030-01-01T00:00:00Z');
const c = { correlationId: 'test-request' };
const later = new Date('2030-02-01T20:00:00Z');
const TIMEOUT = 30_000;

const schedule = (capacity = 20, price = 7) =>
  saga.screenings.schedule({ cinemaId: new ObjectId(), movieId: new ObjectId(), startsAt: later, isPremiere: false, capacity, price }, c);
const screeningOf = async (id: ObjectId) => (await saga.holds.screenings.findOne({ _id: id }))!;
const book = (screeningId: ObjectId, seats: number[], userId = new ObjectId()) => bookSeats(saga, { screeningId, seats, userId }, TIMEOUT, c);

beforeAll(async () => {
  t = await testDatabase('catalog_bookings');
  saga = bookingSaga(t.db, { now: () => clock });
  await Promise.all([saga.screenings.ensureIndexes(), saga.bookings.ensureIndexes()]);
  await saga.holds.ensureIndexes();
});
afterAll(() => t.drop());

describe('seat holds in the screening document (real MongoDB wire server)', () => {
  it('lets exactly one of many racing holds have a seat: no seat is held twice', async () => {
    const s = await schedule(10);
    // 50 bookings race for the 10 seats, five for each seat.
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => saga.holds.hold(s._id, new ObjectId(), { userId: new ObjectId(), seats: [1 + (i % 10)], amount: 7, at: clock }, clock)),
    );
    expect(results.filter(Boolean)).toHaveLength(10);
    const stored = await screeningOf(s._id);
    expect([...stored.seatsTaken!].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Object.keys(stored.holds!)).toHaveLength(10);
    expect(stored.holdSeq).toBe(10);
  });

  it('holds several seats all or nothing, and releases them once', async () => {
    const s = await schedule();
    const [a, b] = [new ObjectId(), new ObjectId()];
    expect(await saga.holds.hold(s._id, a, { userId: new ObjectId(), seats: [1, 2], amount: 14, at: clock }, clock)).toBe(true);
    expect(await saga.holds.hold(s._id, b, { userId: new ObjectId(), seats: [2, 3], amount: 14, at: clock }, clock)).toBe(false);
    expect((await screeningOf(s._id)).seatsTaken).toEqual([1, 2]);
    expect(await saga.holds.release(s._id, a, [1, 2])).toBe(true);
    expect(await saga.holds.release(s._id, a, [1, 2])).toBe(false);
    expect(await saga.holds.hold(s._id, b, { userId: new ObjectId(), seats: [2, 3], amount: 14, at: clock }, clock)).toBe(true);
    expect((await screeningOf(s._id)).seatsTaken).toEqual([2, 3]);
  });

  it('holds nothing at a cancelled or started screening', async () => {
    const s = await schedule();
    const hold = { userId: new ObjectId(), seats: [1], amount: 7, at: clock };
    expect(await saga.holds.hold(s._id, new ObjectId(), hold, later)).toBe(false);
    await saga.screenings.cancel(s._id, 'cancelled', c);
    expect(await saga.holds.hold(s._id, new ObjectId(), hold, clock)).toBe(false);
  });
});

describe('bookSeats and the steps after it', () => {
  it('holds the seats, then records the booking PENDING with booking.requested in its own outbox', async () => {
    const s = await schedule(20, 7);
    const user = new ObjectId();
    const b = await book(s._id, [4, 5], user);
    expect(b).toMatchObject({ status: 'PENDING', amount: 14, seats: [4, 5], version: 1, deadline: new Date(clock.getTime() + TIMEOUT) });
    expect(b.outbox!.map((e) => [e.type, e.aggregateVersion, e.data])).toEqual([
      ['booking.requested', 1, { id: b._id.toHexString(), userId: user.toHexString(), screeningId: s._id.toHexString(), seats: [4, 5], amount: 14, status: 'PENDING', reason: null, createdAt: clock.toISOString() }],
    ]);
    expect((await screeningOf(s._id)).holds![b._id.toHexString()]).toMatchObject({ seats: [4, 5], amount: 14 });
  });

  it('refuses taken, unknown and repeated seats with BAD_USER_INPUT and writes no booking', async () => {
    const s = await schedule(20);
    await book(s._id, [1]);
    const before = await saga.bookings.bookings.countDocuments();
    await expect(book(s._id, [1, 2])).rejects.toMatchObject({ message: 'seat 1 is already taken', extensions: { code: 'BAD_USER_INPUT', field: 'input.seats' } });
    await expect(book(s._id, [21])).rejects.toMatchObject({ message: 'no seat 21 at this screening: its seats are 1..20' });
    await expect(book(new ObjectId(), [1])).rejects.toMatchObject({ extensions: { field: 'input.screeningId' } });
    expect(await saga.bookings.bookings.countDocuments()).toBe(before);
    expect((await screeningOf(s._id)).seatsTaken).toEqual([1]);
  });

  it('confirms once; a rejection releases the seats (the compensation); duplicates change nothing', async () => {
    const s = await schedule();
    const [ok, poor] = [await book(s._id, [1]), await book(s._id, [2])];
    expect(await settleBooking(saga, ok._id, { type: 'confirm' }, c)).toMatchObject({ applied: true, doc: { status: 'CONFIRMED', version: 2 } });
    expect((await settleBooking(saga, ok._id, { type: 'confirm' }, c)).applied).toBe(false);
    expect(await settleBooking(saga, poor._id, { type: 'reject', reason: 'insufficient credits' }, c)).toMatchObject({ applied: true, doc: { status: 'REJECTED', reason: 'insufficient credits' } });
    expect((await settleBooking(saga, poor._id, { type: 'confirm' }, c)).applied).toBe(false);
    const stored = await screeningOf(s._id);
    expect(stored.seatsTaken).toEqual([1]);
    expect(Object.keys(stored.holds!)).toEqual([ok._id.toHexString()]);
    expect((await saga.bookings.bookings.findOne({ _id: poor._id }))!.releasePending).toBeUndefined();
    expect((await saga.bookings.bookings.findOne({ _id: poor._id }))!.outbox!.map((e) => e.type)).toEqual(['booking.requested', 'booking.rejected']);
  });
});
