import { MongoClient } from 'mongodb';
import { deleteBrokerObjects } from '../lib/broker-cleanup';
import { brokerAdminFor, deleteBrokerUsers } from '../lib/broker-users';

/**
 * Removes what this run's test files left on the shared servers: queues and exchanges of its test
 * namespaces (`t-<run>-…`, listed with rabbitmqctl where it is available), its broker users and its test databases
 * (`t_<run>_…`, `e2e_<run>_…`).
 */
export default async function globalTeardown() {
  const run = process.env.TEST_RUN_ID;
  if (!run) return;
  if (process.env.AMQP_URL) {
    await deleteBrokerObjects(process.env.AMQP_URL, `t-${run}-`);
    // This run's users only (t-<run>-…): never another run's, never guest.
    await deleteBrokerUsers({ prefix: `t-${run}-` }, brokerAdminFor(process.env.AMQP_URL)).catch((err) => console.warn(`could not delete this run's broker users: ${err.message}`));
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
