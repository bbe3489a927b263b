import { ObjectId } from 'mongodb';
import { silentLogger, testDatabase, type TestDatabase } from '@cinema/testing';
import { bookSeats } from './book-seats';
import { NEVER_RECORDED } from './reconcile-holds';
import { bookingSaga, type BookingSaga } from './saga';
import { BookingSweeper } from './sweeper';

let t: TestDatabase;
let saga: BookingSaga;
let sweeper: BookingSweeper;
let clock = new Date('2030-01-01T00:00:00Z');
const c = { correlationId: 'test-request' };
const TIMEOUT = 5_000;
const pass = (ms: number) => (clock = new Date(clock.getTime() + ms));

const schedule = () => saga.screenings.schedule({ cinemaId: new ObjectId(), movieId: new ObjectId(), startsAt: new Date('2030-02-01T20:00:00Z'), isPremiere: false, capacity: 10 }, c);
const book = (screeningId: ObjectId, seats: number[]) => bookSeats(saga, { screeningId, seats, userId: new ObjectId() }, TIMEOUT, c);
const screeningOf = async (id: ObjectId) => (await saga.holds.screenings.findOne({ _id: id }))!;
const bookingOf = async (id: ObjectId) => (await saga.bookings.bookings.findOne({ _id: id }))!;

beforeAll(async () => {
  t = await testDatabase('catalog_sweeper');
  saga = bookingSaga(t.db, { now: () => clock });
  await Promise.all([saga.screenings.ensureIndexes(), saga.bookings.ensureIndexes()]);
  await saga.holds.ensureIndexes();
  sweeper = new BookingSweeper(saga, { timeoutMs: TIMEOUT, logger: silentLogger });
});
afterAll(() => t.drop());

describe('the booking sweeper (real MongoDB wire server)', () => {
  it('expires a booking still PENDING at its deadline and releases its seats, once', async () => {
    const s = await schedule();
    const b = await book(s._id, [1, 2]);
    pass(TIMEOUT - 1);
    await sweeper.sweep();
    expect((await bookingOf(b._id)).status).toBe('PENDING');
    pass(1);
    expect((await sweeper.sweep()).expired).toBe(1);
    expect(await bookingOf(b._id)).toMatchObject({ status: 'EXPIRED', version: 2 });
    expect((await bookingOf(b._id)).outbox!.map((e) => e.type)).toEqual(['booking.requested', 'booking.expired']);
    expect((await screeningOf(s._id)).seatsTaken).toEqual([]);
    expect((await sweeper.sweep()).expired).toBe(0);
  });

  it('closes a hold whose booking was never recorded once past its deadline, and the late insert is refused', async () => {
    const s = await schedule();
    const orphan = new ObjectId();
    const user = new ObjectId();
    // The request died between its two writes: the seats are held, no booking exists.
    await saga.holds.hold(s._id, orphan, { userId: user, seats: [3], amount: 10, at: clock }, clock);
    await sweeper.sweep();
    expect(await saga.bookings.findById(orphan)).toBeNull(); // within the deadline: it may still come
    expect((await screeningOf(s._id)).holdsUnchecked).toBe(true);
    pass(TIMEOUT);
    await sweeper.sweep();
    expect(await bookingOf(orphan)).toMatchObject({ status: 'EXPIRED', reason: NEVER_RECORDED, userId: user, seats: [3], version: 1 });
    expect((await bookingOf(orphan)).outbox!.map((e) => e.type)).toEqual(['booking.expired']);
    expect((await screeningOf(s._id)).seatsTaken).toEqual([]);
    const late = { _id: orphan, userId: user, screeningId: s._id, seats: [3], amount: 10, status: 'PENDING' as const, reason: null, createdAt: clock, updatedAt: clock, deadline: clock };
    expect(await saga.bookings.insert(late, c)).toBe(false);
    await sweeper.sweep();
    expect((await screeningOf(s._id)).holdsUnchecked).toBeUndefined();
  });

  it('finishes a release a crash left undone, and clears the flag of holds found in order', async () => {
    const s = await schedule();
    const kept = await book(s._id, [5]);
    const closed = await book(s._id, [6]);
    // The closing write happened, the release did not (the process died in between).
    await saga.bookings.transition(closed._id, { type: 'reject', reason: 'insufficient credits' }, c);
    expect((await screeningOf(s._id)).seatsTaken).toEqual([5, 6]);
    pass(10_000); // past the release grace (the kept booking is confirmed first: it does not expire)
    await saga.bookings.transition(kept._id, { type: 'confirm' }, c);
    await sweeper.sweep();
    expect((await screeningOf(s._id)).seatsTaken).toEqual([5]);
    expect((await bookingOf(closed._id)).releasePending).toBeUndefined();
    await sweeper.sweep();
    expect((await screeningOf(s._id)).holdsUnchecked).toBeUndefined();
    expect((await bookingOf(kept._id)).status).toBe('CONFIRMED');
  });

  it('cancels the live bookings of a screening whose canceller died before getting to them', async () => {
    const s = await schedule();
    const [a, b] = [await book(s._id, [7]), await book(s._id, [8])];
    await saga.bookings.transition(a._id, { type: 'confirm' }, c);
    await saga.screenings.cancel(s._id, 'movie-deleted', c);
    await sweeper.sweep();
    for (const id of [a._id, b._id]) expect(await bookingOf(id)).toMatchObject({ status: 'CANCELLED', reason: 'the screening was cancelled' });
    expect(await screeningOf(s._id)).toMatchObject({ seatsTaken: [], holds: {} });
    await sweeper.sweep();
    expect((await screeningOf(s._id)).holdsUnchecked).toBeUndefined();
  });
});
