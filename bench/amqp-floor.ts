/**
 * The broker's own floor, measured in the same run: raw amqplib, persistent messages on a quorum
 * queue (what our consumers use), publisher confirms, one consumer acking. Pipelined (a window of
 * confirms in flight, as our relay does) and serial (await each confirm) — the gap is what
 * pipelining buys.
 */
import { randomBytes } from 'node:crypto';
import amqplib from 'amqplib';

const payload = Buffer.from(JSON.stringify({ eventId: 'x', type: 'user.created', data: { id: 'y', email: 'z@example.com', fullName: 'A Name' } }));

export async function amqpFloor(amqpUrl: string, messages: number, window = 500, serial = false) {
  const conn = await amqplib.connect(amqpUrl);
  try {
    const queue = `bench:floor:${randomBytes(4).toString('hex')}`;
    const pub = await conn.createConfirmChannel();
    await pub.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    const sub = await conn.createChannel();
    await sub.prefetch(200);
    let consumed = 0;
    const allIn = new Promise<void>((resolve) => {
      void sub.consume(queue, (m) => {
        if (!m) return;
        sub.ack(m);
        if (++consumed === messages) resolve();
      });
    });
    const started = performance.now();
    const send = () => new Promise<void>((res, rej) => pub.sendToQueue(queue, payload, { persistent: true }, (err) => (err ? rej(err) : res())));
    if (serial) for (let i = 0; i < messages; i++) await send();
    else {
      const inFlight = new Set<Promise<void>>();
      for (let i = 0; i < messages; i++) {
        const p = send().finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= window) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    }
    const confirmed = performance.now();
    await Promise.race([allIn, new Promise((_, rej) => setTimeout(() => rej(new Error('floor: consume timed out')), 60_000))]);
    const done = performance.now();
    await pub.deleteQueue(queue);
    return { messages, publishConfirmPerS: Math.round(messages / ((confirmed - started) / 1000)), endToEndPerS: Math.round(messages / ((done - started) / 1000)) };
  } finally {
    await conn.close().catch(() => undefined);
  }
}
