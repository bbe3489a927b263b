import amqplib from 'amqplib';
import { qualify } from '@cinema/messaging';
import { checkConsistency, isConsistent } from '../scripts/lib/consistency';
import { book, bookingAs, creditsOf, person, seatsOf, statusOf, until, venue } from './support/bookings';
import { startTestStack, type TestStack } from './support/test-stack';

jest.setTimeout(180_000);

// A booking whose answer never comes in time: users is down, so the booking expires and its seats
// go back; when users returns, its debit comes late and is refunded. To have the late debit for
// sure (users' two queues are consumed side by side), this test keeps booking.expired from users,
// like a slow network, until users has debited; then lets it through.
const TIMEOUT_MS = 3_000;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('booking-expiry', { env: { OUTBOX_SWEEP_MS: '200' }, serviceEnv: { catalog: { BOOKING_TIMEOUT_MS: String(TIMEOUT_MS) } } });
});
afterAll(() => stack?.stop());

it('expires a booking users never answered, releases its seats, and refunds the debit that comes late', async () => {
  const url = stack.gatewayUrl;
  const place = await venue(url, { capacity: 10, price: 10 });
  const ann = await person(url, 50);

  await stack.kill('users');
  const res = await book(url, ann, place.screeningId, [4, 5]);
  expect(res.data!.bookSeats).toMatchObject({ status: 'PENDING', amount: 20 });
  const id = res.data!.bookSeats.id as string;
  expect((await seatsOf(url, place.cityId, place.screeningId)).takenSeats).toEqual([4, 5]);

  // No answer: expired at the deadline (the sweeper), seats back.
  const started = Date.now();
  expect(await until(() => statusOf(url, id), (s) => s !== 'PENDING', 20_000)).toBe('EXPIRED');
  expect(Date.now() - started).toBeGreaterThan(TIMEOUT_MS / 2);
  expect((await bookingAs(url, id)).data!.booking.reason).toBe('no answer about the payment before the deadline');
  expect(await seatsOf(url, place.cityId, place.screeningId)).toEqual({ seatsLeft: 10, takenSeats: [] });

  // Hold booking.expired back (unacknowledged on a channel of this test's own).
  const conn = await amqplib.connect(process.env.AMQP_URL!);
  const channel = await conn.createChannel();
  await channel.prefetch(1);
  const held = new Promise<amqplib.ConsumeMessage>((resolve) => void channel.consume(qualify('users:booking:refund', stack.namespace), (m) => m && resolve(m)));
  const message = await held;
  expect(JSON.parse(message.content.toString())).toMatchObject({ type: 'booking.expired', aggregateId: id });

  // users comes back and answers the request: the late debit. Ready means connected to the broker;
  // its consumers start right after, each retried on a backoff (0.5 s doubling) if its start fails.
  await stack.restart('users');
  const debited = await until(() => creditsOf(url, ann.id), (c) => c !== 50, 30_000).catch((err: Error) => {
    throw new Error(`${err.message}\nusers' log, last lines:\n${stack.logTail('users')}`);
  });
  expect(debited).toBe(30);
  await new Promise((r) => setTimeout(r, 500));
  expect(await statusOf(url, id)).toBe('EXPIRED'); // the debit cannot bring it back

  // booking.expired gets through at last: the debit is refunded.
  await channel.close(); // unacknowledged: back in the queue, for users
  await conn.close();
  expect(await until(() => creditsOf(url, ann.id), (c) => c === 50)).toBe(50);

  const report = await until(() => checkConsistency(stack.mongo, stack.databases), isConsistent, 20_000).catch(() => checkConsistency(stack.mongo, stack.databases));
  expect(report.details).toEqual([]);
});
