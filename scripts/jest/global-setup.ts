import { randomBytes } from 'node:crypto';
import { ensureMongo, ensureRabbit } from '../lib/infra';

// Real servers only: FerretDB (or the MONGO_URL given) and RabbitMQ, started if needed.
export default async function globalSetup() {
  const [mongo, amqp] = await Promise.all([ensureMongo(), ensureRabbit()]);
  process.env.MONGO_URL = mongo;
  process.env.AMQP_URL = amqp;
  process.env.TEST_RUN_ID = randomBytes(3).toString('hex');
}
