import { spawnSync } from 'node:child_process';
import amqplib from 'amqplib';
import { MongoClient } from 'mongodb';

/**
 * Removes what this run's test files left on the shared servers: queues and exchanges of its test
 * namespaces (`t-<run>-…`, listed with rabbitmqctl where it is available) and its test databases
 * (`t_<run>_…`, `e2e_<run>_…`).
 */
export default async function globalTeardown() {
  const run = process.env.TEST_RUN_ID;
  if (!run) return;
  const list = (what: string) => {
    const r = spawnSync('rabbitmqctl', ['-q', '--no-table-headers', what, 'name'], { encoding: 'utf8', timeout: 30_000 });
    return r.status === 0 ? r.stdout.split('\n').filter((n) => n.startsWith(`t-${run}-`)) : [];
  };
  if (process.env.AMQP_URL) {
    const conn = await amqplib.connect(process.env.AMQP_URL).catch(() => undefined);
    if (conn) {
      const ch = await conn.createChannel();
      for (const q of list('list_queues')) await ch.deleteQueue(q).catch(() => undefined);
      for (const e of list('list_exchanges')) await ch.deleteExchange(e).catch(() => undefined);
      await conn.close().catch(() => undefined);
    }
  }
  if (process.env.MONGO_URL) {
    const client = await new MongoClient(process.env.MONGO_URL, { serverSelectionTimeoutMS: 2_000 }).connect().catch(() => undefined);
    if (client) {
      const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
      for (const { name } of databases) {
        if (name.startsWith(`t_${run}_`) || name.startsWith(`e2e_${run}_`)) await client.db(name).dropDatabase().catch(() => undefined);
      }
      await client.close();
    }
  }
}
