import { spawnSync } from 'node:child_process';
import amqplib from 'amqplib';
import { qualify } from '@cinema/messaging';

let node: string | undefined;
/** Which node the faults hit: the chaos run's own (own-broker.ts), always by name. */
export const useNode = (name: string) => void (node = name);

/**
 * rabbitmqctl against the chaos node, bounded in time; throws with its output when it fails. Until
 * useNode was called (a `--local` run, the tests) it refuses: a broker-wide fault must never reach the
 * node everyone else uses.
 */
export function rabbitmqctl(...args: string[]): string {
  if (!node) throw new Error(`rabbitmqctl ${args.join(' ')} refused: no chaos broker chosen (--local runs and the tests use the shared one)`);
  const run = spawnSync('rabbitmqctl', ['-n', node, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${run.stderr || run.stdout || run.error?.message}`);
  return run.stdout;
}

/** Publishes garbage on an owner exchange with a real routing key: it must land in the consumer's DLQ. */
export async function publishPoison(amqpUrl: string, namespace: string, count: number) {
  const connection = await amqplib.connect(amqpUrl);
  const channel = await connection.createConfirmChannel();
  const bodies = ['', 'not json', '[]', '{"type":"user.created"}', JSON.stringify({ eventId: 'x', type: 'user.created', schemaVersion: 99 })];
  for (let i = 0; i < count; i++) {
    channel.publish(qualify('users', namespace), 'user.created', Buffer.from(bodies[i % bodies.length]!), { persistent: true, messageId: `poison-${i}` });
  }
  await channel.waitForConfirms();
  await connection.close();
}

/** Messages waiting in a queue (e.g. a DLQ), through the management-free AMQP passive declare. */
export async function queueDepth(amqpUrl: string, queue: string): Promise<number> {
  const connection = await amqplib.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
