import amqplib from 'amqplib';
import { qualify } from '@cinema/messaging';
import { amqpUrl } from '@cinema/testing';

/**
 * A producer that breaks every rule: raw bytes straight onto an owner exchange of a test namespace,
 * on a confirm channel (a publish counts once the broker has it), plus a reader of a consumer's
 * dead-letter queue that returns each message with the reason the consumer wrote into its headers.
 */
export async function rawBroker(namespace: string) {
  const connection = await amqplib.connect(amqpUrl());
  const channel = await connection.createConfirmChannel();
  return {
    async publish(exchange: string, routingKey: string, content: Buffer | string, messageId?: string) {
      channel.publish(qualify(exchange, namespace), routingKey, Buffer.isBuffer(content) ? content : Buffer.from(content), {
        persistent: true,
        contentType: 'application/json',
        ...(messageId ? { messageId } : {}),
      });
    },
    /** Waits for the broker to confirm everything published so far. */
    confirmed: () => channel.waitForConfirms(),
    /** Takes every message now in `queue`'s dead-letter queue off it. */
    async deadLetters(queue: string): Promise<Array<{ size: number; reason: string }>> {
      const out: Array<{ size: number; reason: string }> = [];
      for (let i = 0; i < 10_000; i++) {
        const m = await channel.get(qualify(`${queue}:dlq`, namespace), { noAck: true });
        if (!m) break;
        out.push({ size: m.content.length, reason: String(m.properties.headers?.rascal?.error?.message ?? '') });
      }
      return out;
    },
    async close() {
      await channel.close();
      await connection.close();
    },
  };
}
