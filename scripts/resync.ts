import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import { MongoClient } from 'mongodb';
import { CONSUMERS, isReplicaQueue, resyncQueue, type ResyncProgress, type ResyncRequest } from '@cinema/events';
import { qualify } from '@cinema/messaging';
import { compare } from './lib/convergence';
import { ensureMongo, ensureRabbit, waitFor } from './lib/infra';
import { READ_MODELS } from './lib/read-models';

// `npm run resync -- <consumer queue> [--from-scratch]`
// Asks the owner to re-publish the current state of every entity to that one queue (rule 6), shows
// its progress, waits for the consumer to apply it all, and checks the read model equals the source.
const usage = `usage: npm run resync -- <${Object.keys(CONSUMERS).filter(isReplicaQueue).join('|')}> [--from-scratch]`;

async function main() {
  const queue = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!queue || !isReplicaQueue(queue)) throw new Error(queue ? `not a read model's consumer queue "${queue}"\n${usage}` : usage);
  const ns = process.env.AMQP_NAMESPACE;
  const q = (name: string) => qualify(name, ns);
  const { owner } = CONSUMERS[queue];
  const pair = READ_MODELS[queue];
  const [mongoUrl, amqpUrl] = await Promise.all([ensureMongo(), ensureRabbit()]);
  const mongo = await new MongoClient(mongoUrl).connect();
  const conn = await amqplib.connect(amqpUrl);
  try {
    if (process.argv.includes('--from-scratch')) {
      const { deletedCount } = await mongo.db(pair.replica.db).collection(pair.replica.collection).deleteMany({});
      console.log(`cleared ${pair.replica.db}.${pair.replica.collection} (${deletedCount} documents)`);
    }
    const ch = await conn.createConfirmChannel();
    const { queue: replyTo } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
    const request: ResyncRequest = { requestId: randomUUID(), queue, replyTo };
    const finished = new Promise<ResyncProgress>((resolve) => {
      void ch.consume(replyTo, (m) => {
        if (!m) return;
        const p = JSON.parse(m.content.toString()) as ResyncProgress;
        if (p.requestId !== request.requestId) return;
        const pct = p.total ? Math.round((100 * p.sent) / p.total) : 100;
        console.log(`${owner} → ${queue}: ${p.sent}/${p.total} published (${pct}%)${p.done ? ', done' : ''}`);
        if (p.done) resolve(p);
      }, { noAck: true });
    });
    let returned = false;
    ch.on('return', () => (returned = true));
    ch.sendToQueue(q(resyncQueue(owner)), Buffer.from(JSON.stringify(request)), {
      persistent: true, contentType: 'application/json', messageId: request.requestId, mandatory: true,
    });
    await ch.waitForConfirms();
    if (returned) throw new Error(`${q(resyncQueue(owner))} does not exist: has ${owner} ever run (with this AMQP_NAMESPACE)?`);
    console.log(`asked ${owner} to resync ${queue} (request ${request.requestId}); waiting for ${owner}…`);
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
