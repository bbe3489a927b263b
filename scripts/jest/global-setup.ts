import { randomBytes } from 'node:crypto';
import { brokerAdminFor, newPasswords, provisionBrokerUsers, withoutCredentials, type BrokerAccess } from '../lib/broker-users';
import { ensureMongo, ensureRabbit } from '../lib/infra';

// Real servers only: FerretDB (or the MONGO_URL given) and RabbitMQ, started if needed.
export default async function globalSetup() {
  const [mongo, amqp] = await Promise.all([ensureMongo(), ensureRabbit()]);
  process.env.MONGO_URL = mongo;
  process.env.AMQP_URL = amqp;
  const run = randomBytes(3).toString('hex');
  process.env.TEST_RUN_ID = run;
  // This run's broker users (t-<run>-users, …, t-<run>-operator), with the real permissions, limited
  // to this run's namespaces: the services in tests log in as them, so every test exercises the
  // permissions and the publisher identity checks. The global teardown deletes them.
  const access: BrokerAccess = { prefix: `t-${run}-`, scope: { pattern: `t-${run}-[A-Za-z0-9_-]+`, bareToo: false }, passwords: newPasswords(), base: withoutCredentials(amqp) };
  await provisionBrokerUsers(access, brokerAdminFor(amqp));
  process.env.TEST_BROKER_ACCESS = JSON.stringify(access);
}
