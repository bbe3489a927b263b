/**
 * Update rates of a MongoDB-wire server, for comparing FerretDB builds (scripts/ferretdb.patch)
 * back to back: `node --import tsx bench/ferretdb-updates.ts mongodb://127.0.0.1:27018 [rounds]`.
 * Each shape is one the services send, 16 in flight from one client (IN_FLIGHT), on 2 000 sign-up documents
 * shaped as the bench's (an outbox entry each):
 * - guarded: updateOne({ _id, version }) with $set, $push to the outbox (updateWithEvent's write);
 * - findAndModify: findOneAndUpdate by _id with $inc;
 * - one document: $inc on a single document, every update contending for it;
 * - bulk: bulkWrite of 50 version-guarded updates (a projection's batch), in updates/s;
 * - removals: the relay's updateMany emptying 500 outboxes per statement, one stream and two at
 *   once (database-floor.ts), in documents/s.
 * Prints one JSON line per round: updates/s, and with `FERRETDB_PID` set (Linux), the server's CPU
 * time per update in µs, which a busy shared machine disturbs less than the rates.
 * Not part of `npm run bench`: a tool for the patch's decisions.
 */
import { readFileSync } from 'node:fs';
import { MongoClient, type AnyBulkWriteOperation, type Collection, type UpdateFilter } from 'mongodb';
import { databaseFloor } from './database-floor';
import { pendingSignUps } from './outbox-drain';

const DOCS = 2_000;
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 16);
const PID = process.env.FERRETDB_PID;
const cpu: Record<string, number> = {};

/** The server's user + system CPU time in µs (clock ticks of 10 ms), or 0 without FERRETDB_PID. */
function serverCpuUs(): number {
  if (!PID) return 0;
  const fields = readFileSync(`/proc/${PID}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * Runs `op(i)` for i in [0, count) with IN_FLIGHT at once; returns operations per second, and
 * notes the server's CPU per update (`updates` per operation) under `name`.
 */
async function rate(name: string, count: number, op: (i: number) => Promise<unknown>, updates = 1): Promise<number> {
  let next = 0;
  const [started, cpuBefore] = [performance.now(), serverCpuUs()];
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    for (let i = next++; i < count; i = next++) await op(i);
  }));
  if (PID) cpu[name] = Math.round((serverCpuUs() - cpuBefore) / (count * updates));
  return Math.round(count / ((performance.now() - started) / 1000));
}

async function fresh(coll: Collection<any>) {
  await coll.drop().catch(() => undefined);
  const docs = pendingSignUps(DOCS);
  for (let i = 0; i < docs.length; i += 500) await coll.insertMany(docs.slice(i, i + 500));
  return docs.map((d) => d._id);
}

async function round(client: MongoClient) {
  const db = client.db('bench_ferretdb_updates');
  const coll = db.collection<any>('users');
  let ids = await fresh(coll);
  const guarded = await rate('guarded', DOCS, (i) =>
    coll.updateOne({ _id: ids[i], version: 1 }, { $set: { fullName: `x${i}`, version: 2, outboxPending: true }, $push: { outbox: { eventId: `e${i}` } } } as unknown as UpdateFilter<any>),
  );
  const findAndModify = await rate('findAndModify', DOCS, (i) => coll.findOneAndUpdate({ _id: ids[i] }, { $inc: { version: 1 } }));
  const oneDocument = await rate('oneDocument', DOCS, () => coll.updateOne({ _id: ids[0] }, { $inc: { hits: 1 } }));
  const oneDocumentLost = DOCS - (await coll.findOne({ _id: ids[0] }))?.hits;
  ids = await fresh(coll);
  const batches = Array.from({ length: DOCS / 50 }, (_, b) => ids.slice(b * 50, (b + 1) * 50));
  const bulkPerS = await rate(
    'bulk',
    batches.length,
    (b) => coll.bulkWrite(batches[b]!.map((_id): AnyBulkWriteOperation<any> => ({ updateOne: { filter: { _id, version: { $lt: 2 } }, update: { $set: { version: 2 } } } }))),
    50,
  );
  const cpuBefore = serverCpuUs();
  const floor = await databaseFloor(db, DOCS);
  const removals = { oneStream: floor.oneStreamPerS, twoStreams: floor.twoStreamsPerS };
  if (PID) cpu.removals = Math.round((serverCpuUs() - cpuBefore) / (2 * DOCS));
  await db.dropDatabase();
  return { guarded, findAndModify, oneDocument, oneDocumentLost, bulk: bulkPerS * 50, removals, ...(PID ? { cpuUsPerUpdate: { ...cpu } } : {}) };
}

async function main() {
  const [url = 'mongodb://127.0.0.1:27017', rounds = '3'] = process.argv.slice(2);
  const client = await new MongoClient(url, { maxPoolSize: IN_FLIGHT * 2 }).connect();
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    for (let r = 0; r < Number(rounds); r++) {
      console.log(JSON.stringify({ server: url, build: info.cinemaGraphBuild ?? info.ferretdbVersion ?? info.version, ...(await round(client)) }));
    }
  } finally {
    await client.close();
  }
}

void main();
