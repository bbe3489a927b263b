/**
 * Waits until the bench stack has nothing left to do from an earlier measurement: no message ready
 * in any consumer queue and no outbox entry waiting, twice in a row half a second apart. A
 * measurement taken while the consumers still digest what the one before it (or the system part's
 * read/write mix) left would time that backlog, not the event path; each wait is reported.
 */
import amqplib from 'amqplib';
import type { MongoClient } from 'mongodb';
import { CONSUMERS } from '@cinema/events';
import { qualify } from '@cinema/messaging';
import { DATABASES, NAMESPACE } from './system';

/** Every collection whose documents carry an outbox: each service's relayed collections (its messaging.ts). */
const OUTBOXES = [
  [DATABASES.users, 'users'],
  [DATABASES.movies, 'movies'],
  [DATABASES.movies, 'reviews'],
  [DATABASES.catalog, 'screenings'],
  [DATABASES.catalog, 'bookings'],
  [DATABASES.users, 'booking_rejections'],
] as const;

export interface Quiet {
  /** What was waiting when the wait began: consumer messages, outbox documents. */
  atStart: { messages: number; outboxDocuments: number };
  seconds: number;
  /** False when the bound ran out first (the figures that follow are then taken over a backlog). */
  quiet: boolean;
}

export async function waitForQuiet(amqpUrl: string, mongo: MongoClient, boundMs = 180_000): Promise<Quiet> {
  const started = performance.now();
  const conn = await amqplib.connect(amqpUrl);
  try {
    const backlog = async () => {
      // A queue's unacknowledged messages are not in checkQueue's count: a consumer that holds its
      // prefetch shows as 0 here, so quiet needs two empty checks in a row (below), not one.
      const ch = await conn.createChannel();
      let messages = 0;
      for (const q of Object.keys(CONSUMERS)) messages += (await ch.checkQueue(qualify(q, NAMESPACE))).messageCount;
      await ch.close();
      let outboxDocuments = 0;
      for (const [db, c] of OUTBOXES) outboxDocuments += await mongo.db(db).collection(c).countDocuments({ outboxPending: true });
      return { messages, outboxDocuments };
    };
    const atStart = await backlog();
    let empties = 0;
    for (let now = atStart; performance.now() - started < boundMs; now = await backlog()) {
      empties = now.messages + now.outboxDocuments === 0 ? empties + 1 : 0;
      if (empties === 2) return { atStart, seconds: Math.round((performance.now() - started) / 100) / 10, quiet: true };
      await new Promise((r) => setTimeout(r, 500));
    }
    return { atStart, seconds: Math.round((performance.now() - started) / 100) / 10, quiet: false };
  } finally {
    await conn.close();
  }
}
