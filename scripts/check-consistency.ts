import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { checkConsistency, isConsistent, type ConsistencyReport } from './lib/consistency';
import { databasesFromEnv } from './lib/read-models';

// `npm run check-consistency [-- --wait <seconds>]`: compares every read model with its source once
// the system is quiet, and exits 1 on any lost, duplicated or unexpected record. MONGO_URL (default:
// the local FerretDB) and USERS_/MOVIES_/CATALOG_MONGO_DB (default: the service names) say where.
async function main() {
  const { values } = parseArgs({ options: { wait: { type: 'string', default: '0' } } });
  const waitMs = Number(values.wait) * 1000;
  if (!Number.isFinite(waitMs) || waitMs < 0 || waitMs > 600_000) throw new Error('--wait must be 0..600 seconds');
  const url = process.env.MONGO_URL ?? `mongodb://127.0.0.1:${process.env.FERRETDB_PORT ?? 27017}`;
  const dbs = databasesFromEnv();
  const client = await new MongoClient(url, { serverSelectionTimeoutMS: 5_000 }).connect();
  try {
    const deadline = Date.now() + waitMs;
    let report: ConsistencyReport;
    // Events may still be in flight: with --wait, look again until consistent or out of time.
    while (!isConsistent((report = await checkConsistency(client, dbs))) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const [what, n] of Object.entries(report.checked)) console.log(`checked ${what}: ${n}`);
    for (const line of report.details) console.log(`  ${line}`);
    console.log(`lost=${report.lost} duplicated=${report.duplicated} unexpected=${report.unexpected}`);
    process.exitCode = isConsistent(report) ? 0 : 1;
  } finally {
    await client.close();
  }
}

main().catch((err) => {
  console.error(`✗ ${err instanceof Error ? err.message : err}`);
  process.exit(2);
});
