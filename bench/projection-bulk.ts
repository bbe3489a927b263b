/**
 * On/off row for the projection's bulkWrite, measured against the same FerretDB in the same run:
 * the events a consumer holds at once (its prefetch, 50) applied as concurrent one-by-one guarded
 * upserts (before) and through the batched applyVersioned (after). Half are new entities, half
 * newer versions of existing ones, on a scratch collection as large as the real read model.
 */
import { ObjectId, type Db } from 'mongodb';
import { applyVersioned, applyVersionedOne } from '@cinema/messaging';

const PREFETCH = 50;

async function rate(apply: typeof applyVersioned, db: Db, name: string, existing: number, events: number) {
  const coll = db.collection(name);
  await coll.drop().catch(() => undefined);
  const ids = Array.from({ length: existing }, () => new ObjectId());
  for (let i = 0; i < ids.length; i += 500) await coll.insertMany(ids.slice(i, i + 500).map((_id) => ({ _id, fullName: 'Seed', deleted: false, version: 1 })));
  const work = Array.from({ length: events }, (_, i) => (i % 2 === 0 || ids.length === 0 ? { id: new ObjectId(), v: 1 } : { id: ids[i % ids.length]!, v: 2 }));
  const started = performance.now();
  for (let i = 0; i < work.length; i += PREFETCH) {
    await Promise.all(work.slice(i, i + PREFETCH).map((w) => apply(coll, w.id, w.v, { fullName: `Name ${i}`, deleted: false, eventAt: new Date() })));
  }
  const perS = Math.round(events / ((performance.now() - started) / 1000));
  await coll.drop().catch(() => undefined);
  return perS;
}

export async function projectionBulk(db: Db, existing: number, events: number) {
  const oneByOne = await rate(applyVersionedOne, db, 'bench_projection_one', existing, events);
  const bulk = await rate(applyVersioned, db, 'bench_projection_bulk', existing, events);
  return { events, existing, oneByOnePerS: oneByOne, bulkWritePerS: bulk };
}
