import { spawnSync } from 'node:child_process';
import amqplib from 'amqplib';

/**
 * Deletes every queue and exchange whose name starts with `prefix` (a test or chaos namespace), as
 * listed by rabbitmqctl where it is available: runs on a shared broker leave nothing behind.
 */
export async function deleteBrokerObjects(amqpUrl: string, prefix: string): Promise<void> {
  const list = (what: string) => {
    const r = spawnSync('rabbitmqctl', ['-q', '--no-table-headers', what, 'name'], { encoding: 'utf8', timeout: 30_000 });
    return r.status === 0 ? r.stdout.split('\n').filter((n) => n.startsWith(prefix)) : [];
  };
  const conn = await amqplib.connect(amqpUrl).catch(() => undefined);
  if (!conn) return;
  conn.on('error', () => undefined);
  const ch = await conn.createChannel();
  for (const q of list('list_queues')) await ch.deleteQueue(q).catch(() => undefined);
  for (const e of list('list_exchanges')) await ch.deleteExchange(e).catch(() => undefined);
  await conn.close().catch(() => undefined);
}
