import amqplib from 'amqplib';
import { qualify } from '@cinema/messaging';
import { amqpUrl, amqpUrlFor, testUserPrefix } from '@cinema/testing';

/**
 * A producer that breaks every rule of content, though it is who it says: raw bytes straight onto
 * an owner exchange of a test namespace, logged in as that owner's broker user (`role`, whose
 * `user_id` each message carries, as the relay's do; `userId: null` sends none), on a confirm
 * channel (a publish counts once the broker has it), plus a reader of a consumer's dead-letter queue
 * (as the broker's administrator) that returns each message with the reason the consumer wrote into
 * its headers and the publisher it recorded.
 */
export async function rawBroker(namespace: string, role = 'users') {
  const connection = await amqplib.connect(amqpUrlFor(role));
  const channel = await connection.createConfirmChannel();
  const admin = await amqplib.connect(amqpUrl());
  const reader = await admin.createChannel();
  const self = `${testUserPrefix()}${role}`;
  return {
    async publish(exchange: string, routingKey: string, content: Buffer | string, messageId?: string, o: { userId?: string | null } = {}) {
      const userId = o.userId === undefined ? self : o.userId;
      channel.publish(qualify(exchange, namespace), routingKey, Buffer.isBuffer(content) ? content : Buffer.from(content), {
        persistent: true,
        contentType: 'application/json',
        ...(messageId ? { messageId } : {}),
        ...(userId ? { userId } : {}),
      });
    },
    /** Waits for the broker to confirm everything published so far. */
    confirmed: () => channel.waitForConfirms(),
    /** Takes every message now in `queue`'s dead-letter queue off it. */
    async deadLetters(queue: string): Promise<Array<{ size: number; reason: string; publishedBy: unknown }>> {
      const out: Array<{ size: number; reason: string; publishedBy: unknown }> = [];
      for (let i = 0; i < 10_000; i++) {
        const m = await reader.get(qualify(`${queue}:dlq`, namespace), { noAck: true });
        if (!m) break;
        out.push({ size: m.content.length, reason: String(m.properties.headers?.rascal?.error?.message ?? ''), publishedBy: m.properties.headers?.['x-published-by'] });
      }
      return out;
    },
    async close() {
      await channel.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
      await admin.close().catch(() => undefined);
    },
  };
}
