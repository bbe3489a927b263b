import amqplib from 'amqplib';
import { MongoClient } from 'mongodb';
import { CONSUMERS, isReplicaQueue, OPERATOR } from '@cinema/events';
import { qualify } from '@cinema/messaging';
import { brokerAdminFor, loginUrl, provisionBrokerUsers, withoutCredentials } from './lib/broker-users';
import { compare } from './lib/convergence';
import { devBrokerAccess } from './lib/dev-secrets';
import { ensureMongo, ensureRabbit, waitFor } from './lib/infra';
import { READ_MODELS } from './lib/read-models';
import { requestResync } from './lib/resync-request';

// `npm run resync -- <consumer queue> [--from-scratch]`
// Asks the owner to re-publish the current state of every entity to that one queue (rule 6), shows
// its progress, waits for the consumer to apply it all, and checks the read model equals the source.
// It asks as the operator: OPERATOR_AMQP_URL, or the development operator (cinema-operator) that
// `npm start` also creates. The owner serves only a queue's own consumer or an operator.
const usage = `usage: npm run resync -- <${Object.keys(CONSUMERS).filter(isReplicaQueue).join('|')}> [--from-scratch]`;

async function operatorUrl(): Promise<string> {
  if (process.env.OPERATOR_AMQP_URL) return process.env.OPERATOR_AMQP_URL;
  const amqpUrl = await ensureRabbit();
  const broker = devBrokerAccess(withoutCredentials(amqpUrl));
  await provisionBrokerUsers(broker, brokerAdminFor(amqpUrl));
  return loginUrl(broker, OPERATOR);
}

async function main() {
  const queue = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!queue || !isReplicaQueue(queue)) throw new Error(queue ? `not a read model's consumer queue "${queue}"\n${usage}` : usage);
  const ns = process.env.AMQP_NAMESPACE;
  const q = (name: string) => qualify(name, ns);
  const { owner } = CONSUMERS[queue];
  const pair = READ_MODELS[queue];
  const [mongoUrl, amqpUrl] = await Promise.all([ensureMongo(), operatorUrl()]);
  const mongo = await new MongoClient(mongoUrl).connect();
  const conn = await amqplib.connect(amqpUrl);
  try {
    if (process.argv.includes('--from-scratch')) {
      const { deletedCount } = await mongo.db(pair.replica.db).collection(pair.replica.collection).deleteMany({});
      console.log(`cleared ${pair.replica.db}.${pair.replica.collection} (${deletedCount} documents)`);
    }
    const ch = await conn.createConfirmChannel();
    const { requestId, finished } = await requestResync(ch, {
      url: amqpUrl, namespace: ns, queue,
      onProgress: (p) => {
        const pct = p.total ? Math.round((100 * p.sent) / p.total) : 100;
        console.log(p.coalesced ? `${owner} → ${queue}: answered by a resync that started after this request` : `${owner} → ${queue}: ${p.sent}/${p.total} published (${pct}%)${p.done ? ', done' : ''}`);
      },
    });
    console.log(`asked ${owner} to resync ${queue} (request ${requestId}); waiting for ${owner}…`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${owner} did not answer within 60s: is it running?`)), 60_000)))]).finally(() => clearTimeout(timer));

    let last = { entities: 0, differences: [] as unknown[] };
    await waitFor(`${queue} to apply everything`, async () => {
      const { messageCount } = await ch.checkQueue(q(queue));
      last = await compare(mongo, pair);
      return messageCount === 0 && last.differences.length === 0;
    }, 60_000).catch(() => undefined);
    if (last.differences.length > 0) {
      console.error(`✗ ${pair.replica.db}.${pair.replica.collection} differs from ${pair.source.db}.${pair.source.collection}:`, last.differences.slice(0, 10));
      process.exitCode = 1;
    } else {
      console.log(`✓ ${pair.replica.db}.${pair.replica.collection} equals ${pair.source.db}.${pair.source.collection} (${last.entities} entities)`);
    }
  } finally {
    await conn.close().catch(() => undefined);
    await mongo.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
