/**
 * The database's floor for the event path, beside the broker's, in the same run. Whatever else an
 * event costs, the relay must write its source document once after the confirm, to remove the
 * entry (consistency rule 1: the outbox lives in the document, an entry goes only once confirmed).
 * So the end-to-end rate can never exceed how fast the database does that write alone: here with
 * the relay's own statement (relay.ts, singleEntryRemoval), 500 documents each, as the sweep removes
 * them, on documents shaped as the drain's, with nothing else running. One stream and two at once
 * (the machine's cores): FerretDB decodes the documents an update reads in parallel, SQLite commits
 * one write at a time. A loose bound: the sweep's read and the projection's insert come on top.
 */
import type { Db } from 'mongodb';
import { singleEntryRemoval } from '@cinema/messaging';
import { pendingSignUps } from './outbox-drain';

const CHUNK = 500;

async function removals(db: Db, count: number, streams: number): Promise<number> {
  const coll = db.collection(`bench_floor_${streams}`);
  await coll.drop().catch(() => undefined);
  const docs = pendingSignUps(count);
  const chunks = Array.from({ length: Math.ceil(docs.length / CHUNK) }, (_, i) => docs.slice(i * CHUNK, (i + 1) * CHUNK));
  for (const chunk of chunks) await coll.insertMany(chunk);
  let next = 0;
  let matched = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: streams }, async () => {
      for (let chunk = chunks[next++]; chunk; chunk = chunks[next++]) {
        const { filter, update } = singleEntryRemoval(chunk.map((d) => [d, d.outbox] as const));
        // Read before adding: `matched += await …` would add to the value from before the await.
        const m = (await coll.updateMany(filter, update)).matchedCount;
        matched += m;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await coll.drop().catch(() => undefined);
  if (matched !== count) throw new Error(`database floor: ${matched} of ${count} outbox entries removed`);
  return Math.round(count / seconds);
}

export async function databaseFloor(db: Db, count: number) {
  const oneStreamPerS = await removals(db, count, 1);
  const twoStreamsPerS = await removals(db, count, 2);
  return { documents: count, oneStreamPerS, twoStreamsPerS, removalsPerS: Math.max(oneStreamPerS, twoStreamsPerS) };
}
