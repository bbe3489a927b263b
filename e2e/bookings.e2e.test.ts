import { errorCodes, gql, must } from '@cinema/testing';
import { checkConsistency } from '../scripts/lib/consistency';
import { BOOKING, book, bookingAs, CANCEL_BOOKING, creditsOf, person, seatsOf, statusOf, until, venue, type Person } from './support/bookings';
import { startTestStack, type TestStack } from './support/test-stack';

jest.setTimeout(180_000);

// The booking saga end to end: real processes, real HTTP through the gateway, real RabbitMQ between
// catalog (seats, bookings) and users (credits), real MongoDB-wire server. Every step is asserted
// through the gateway, as a user or an admin would see it.
let stack: TestStack;
let url: string;
let place: Awaited<ReturnType<typeof venue>>;
let ann: Person;
let bob: Person;
let annBooking: string;

beforeAll(async () => {
  stack = await startTestStack('bookings', { env: { OUTBOX_SWEEP_MS: '200' } });
  url = stack.gatewayUrl;
  place = await venue(url, { capacity: 30, price: 10 });
  [ann, bob] = [await person(url, 100), await person(url, 5)];
});
afterAll(() => stack?.stop());

const confirmedOrClosed = (s?: string) => s !== undefined && s !== 'PENDING';

describe('booking tickets with credits, across catalog and users', () => {
  it('happy path: PENDING at once, CONFIRMED once users debited; seats held, credits taken', async () => {
    expect(place.screening).toEqual({ id: place.screeningId, price: 10, seatsLeft: 30 });
    const res = await book(url, ann, place.screeningId, [2, 1]);
    expect(res.errors).toBeUndefined();
    expect(res.data!.bookSeats).toMatchObject({ status: 'PENDING', seats: [1, 2], amount: 20, reason: null });
    annBooking = res.data!.bookSeats.id;
    expect(await until(() => statusOf(url, annBooking), confirmedOrClosed)).toBe('CONFIRMED');
    expect(await creditsOf(url, ann.id)).toBe(80);
    const mine = await bookingAs(url, annBooking, ann);
    expect(mine.data!.booking).toMatchObject({ status: 'CONFIRMED', screening: { id: place.screeningId, seatsLeft: 28 }, user: { id: ann.id } });
    const listed = await gql(url, 'query($id: ID!) { user(id: $id) { credits bookings { id status } } }', { id: ann.id }, ann.headers);
    expect(listed.data!.user).toEqual({ credits: 80, bookings: [{ id: annBooking, status: 'CONFIRMED' }] });
    expect(await seatsOf(url, place.cityId, place.screeningId)).toEqual({ seatsLeft: 28, takenSeats: [1, 2] });
  });

  it('keeps a booking and a balance to their owner and the admins', async () => {
    expect(errorCodes(await bookingAs(url, annBooking, bob))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(url, 'query($id: ID!) { user(id: $id) { credits } }', { id: ann.id }, bob.headers))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(url, 'query($id: ID!) { user(id: $id) { bookings { id } } }', { id: ann.id }, bob.headers))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(url, BOOKING, { id: annBooking }))).toEqual(['UNAUTHENTICATED']);
    // Only an admin may book for someone else.
    const forAnn = await gql(url, 'mutation($i: BookSeatsInput!) { bookSeats(input: $i) { id } }', { i: { screeningId: place.screeningId, seats: [9], userId: ann.id } }, bob.headers);
    expect(errorCodes(forAnn)).toEqual(['FORBIDDEN']);
  });

  it('refuses a taken seat at once, holding nothing', async () => {
    const res = await book(url, bob, place.screeningId, [2, 3]);
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.message).toBe('seat 2 is already taken');
    expect((await seatsOf(url, place.cityId, place.screeningId)).takenSeats).toEqual([1, 2]);
  });

  it('insufficient credits: REJECTED with the reason, seats released, balance untouched', async () => {
    const res = await book(url, bob, place.screeningId, [3]);
    const id = res.data!.bookSeats.id;
    expect(await until(() => statusOf(url, id), confirmedOrClosed)).toBe('REJECTED');
    const { data } = await bookingAs(url, id, bob);
    expect(data!.booking).toMatchObject({ status: 'REJECTED', reason: 'insufficient credits: 5 available, 10 needed' });
    expect(await seatsOf(url, place.cityId, place.screeningId)).toEqual({ seatsLeft: 28, takenSeats: [1, 2] });
    expect(await creditsOf(url, bob.id)).toBe(5);
  });

  it('cancel and refund: the owner cancels, the seats go back, users refunds once', async () => {
    expect(errorCodes(await gql(url, CANCEL_BOOKING, { id: annBooking }, bob.headers))).toEqual(['FORBIDDEN']);
    const res = await gql(url, CANCEL_BOOKING, { id: annBooking }, ann.headers);
    expect(res.data!.cancelBooking).toEqual({ id: annBooking, status: 'CANCELLED', reason: 'cancelled by its owner' });
    expect(await until(() => creditsOf(url, ann.id), (c) => c === 100)).toBe(100);
    expect(await seatsOf(url, place.cityId, place.screeningId)).toEqual({ seatsLeft: 30, takenSeats: [] });
    const again = await gql(url, CANCEL_BOOKING, { id: annBooking }, ann.headers);
    expect(again.errors![0]).toMatchObject({ message: 'the booking is already cancelled', extensions: { code: 'BAD_USER_INPUT' } });
    await new Promise((r) => setTimeout(r, 500));
    expect(await creditsOf(url, ann.id)).toBe(100);
  });

  it('a race of 50 bookings for the last 10 seats sells exactly those 10, and charges exactly their buyers', async () => {
    const small = await venue(url, { capacity: 12, price: 10 });
    const first = await book(url, ann, small.screeningId, [1, 2]);
    await until(() => statusOf(url, first.data!.bookSeats.id), confirmedOrClosed);
    const racers = await Promise.all(Array.from({ length: 25 }, () => person(url, 30)));
    // 50 requests at once, two per user, five for each of seats 3..12.
    const attempts = Array.from({ length: 50 }, (_, i) => ({ who: racers[i % 25]!, seat: 3 + (i % 10) }));
    const answers = await Promise.all(attempts.map((a) => book(url, a.who, small.screeningId, [a.seat])));
    const won = answers.flatMap((r, i) => (r.data?.bookSeats ? [{ ...attempts[i]!, id: r.data.bookSeats.id as string }] : []));
    const refused = answers.filter((r) => errorCodes(r).join() === 'BAD_USER_INPUT');
    expect({ won: won.length, refused: refused.length }).toEqual({ won: 10, refused: 40 });
    expect(won.map((w) => w.seat).sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const w of won) expect(await until(() => statusOf(url, w.id), confirmedOrClosed)).toBe('CONFIRMED');
    expect(await seatsOf(url, small.cityId, small.screeningId)).toEqual({ seatsLeft: 0, takenSeats: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] });
    for (const r of racers) {
      const paid = won.filter((w) => w.who === r).length * 10;
      expect({ user: r.id, credits: await creditsOf(url, r.id) }).toEqual({ user: r.id, credits: 30 - paid });
    }
  });

  it('a screening cancelled by its movie’s deletion cancels its bookings, each refunded', async () => {
    const doomed = await venue(url, { capacity: 10, price: 15 });
    const annHad = await creditsOf(url, ann.id);
    const ids = [];
    for (const [who, seats] of [[ann, [1, 2]], [bob, [3]]] as const) {
      if (who === bob) await must(url, 'mutation($u: ID!) { grantCredits(userId: $u, amount: 10, reason: "top-up") { id } }', { u: bob.id });
      const res = await book(url, who, doomed.screeningId, [...seats]);
      ids.push(res.data!.bookSeats.id as string);
    }
    for (const id of ids) expect(await until(() => statusOf(url, id), confirmedOrClosed)).toBe('CONFIRMED');
    expect([await creditsOf(url, ann.id), await creditsOf(url, bob.id)]).toEqual([annHad - 30, 0]);
    await must(url, 'mutation($id: ID!) { deleteMovie(id: $id) }', { id: doomed.movieId });
    for (const id of ids) expect(await until(() => statusOf(url, id), (s) => s === 'CANCELLED')).toBe('CANCELLED');
    expect((await bookingAs(url, ids[0]!, ann)).data!.booking.reason).toBe('the screening was cancelled');
    const refunded = await until(async () => [await creditsOf(url, ann.id), await creditsOf(url, bob.id)], (c) => c[0] === annHad && c[1] === 15);
    expect(refunded).toEqual([annHad, 15]);
  });

  it('ends with every saga invariant holding: credits accounted for, no seat in two live bookings', async () => {
    const report = await until(() => checkConsistency(stack.mongo, stack.databases), (r) => r.lost + r.duplicated + r.unexpected === 0, 20_000).catch(async () => checkConsistency(stack.mongo, stack.databases));
    expect(report.details).toEqual([]);
    expect(report.checked).toMatchObject({ bookings: expect.any(Number), accounts: expect.any(Number) });
    expect(report.checked.bookings).toBeGreaterThan(10);
  });
});
