/**
 * End-to-end event throughput without the GraphQL write in front of it: outbox → RabbitMQ →
 * projection. `count` users are written straight into the users database exactly as createUser
 * writes them (the document with its `user.created` event in its outbox, pending), as a broker
 * outage leaves them; the running users relay's sweep publishes them and movies' consumer applies
 * them to its read model. Timed from the first user visible in movies' read model to the last (the
 * drain), and from the end of the inserts (the drain plus the wait for the next sweep).
 */
import { randomUUID } from 'node:crypto';
import { ObjectId, type MongoClient } from 'mongodb';
import { newEvent } from '@cinema/events';
import { withEvent } from '@cinema/messaging';
import { watchArrivals } from './arrivals';
import { DATABASES } from './system';

/** `count` users exactly as createUser writes them: each with its `user.created` event pending. */
export function pendingSignUps(count: number) {
  const tag = randomUUID().slice(0, 8);
  const at = new Date();
  return Array.from({ length: count }, (_, i) => {
    const _id = new ObjectId();
    const [email, fullName] = [`drain-${tag}-${i}@example.com`, `Drain ${i}`];
    const event = newEvent('user.created', { id: _id.toHexString(), version: 1 }, { id: _id.toHexString(), fullName }, { correlationId: `bench-drain-${tag}` });
    return withEvent({ _id, email, fullName, createdAt: at, updatedAt: at, version: 1, deletedAt: null }, event);
  });
}

export async function outboxDrain(mongo: MongoClient, count: number) {
  const users = mongo.db(DATABASES.users).collection('users');
  const profiles = mongo.db(DATABASES.movies).collection('user_profiles');
  const docs = pendingSignUps(count);
  const ids = docs.map((d) => d._id);
  for (let i = 0; i < docs.length; i += 500) await users.insertMany(docs.slice(i, i + 500));
  const inserted = performance.now();
  const { seen, first, done } = await watchArrivals(profiles, ids, 180_000);
  const drainSeconds = (done - first) / 1000;
  return {
    events: count,
    applied: seen,
    seconds: Math.round(((done - inserted) / 1000) * 10) / 10,
    drainSeconds: Math.round(drainSeconds * 10) / 10,
    endToEndPerS: Math.round(seen / ((done - inserted) / 1000)),
    drainPerS: Math.round(seen / Math.max(drainSeconds, 0.001)),
  };
}
