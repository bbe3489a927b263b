// Rascal opens connections with amqplib's callback API, so this talks to that API.
import type { ConfirmChannel, Connection, Options } from 'amqplib/callback_api';
import type { Logger } from 'pino';
import { BrokerUnavailableError, UnroutableError, type Broker } from './broker';

/**
 * The outbox relay's publisher: ONE confirm channel with every publish in flight at once
 * (pipelined confirms), on a connection of its own that Rascal opens with the vhost's settings.
 *
 * Why not Rascal's publications: Rascal borrows a pooled channel for each message and holds it
 * until the confirm, and it hands channels out one at a time through a queue that advances a few
 * event-loop turns per borrow. Under 100 mutations/s the users service had 300–400 publishes
 * waiting to borrow while channels sat idle, and the publish → confirm hop took seconds
 * (docs/decisions.md). Rascal still declares the topology, consumes, and sends resync requests.
 *
 * Failure semantics match `publishConfirmed`: resolve only on the broker's ack; reject on a nack,
 * an unroutable return, a closed channel or connection, a blocked connection (memory or disk
 * alarm) or a confirm that does not come within `timeoutMs`. A rejected entry stays in its outbox
 * and is published again (consumers are idempotent), so no failure loses an event.
 */
export class ConfirmPublisher {
  private channel: Promise<{ connection: Connection; channel: ConfirmChannel }> | undefined;
  /** Which open() the current channel came from: events of an older one change nothing. */
  private generation = 0;
  private blocked = false;
  private closed = false;
  /** Message ids the broker returned as unroutable; their confirm (which follows) rejects. */
  private readonly returned = new Set<string>();
  /** Every publish awaiting its confirm, to fail at once when the channel goes. */
  private readonly waiting = new Set<(err: Error) => void>();

  constructor(
    private readonly broker: Broker,
    private readonly logger: Logger,
    private readonly timeoutMs = 10_000,
  ) {}

  async publish(exchange: string, routingKey: string, body: unknown, options: Options.Publish & { messageId: string }): Promise<void> {
    if (this.closed) throw new BrokerUnavailableError('publisher closed');
    if (this.blocked) throw new BrokerUnavailableError('broker blocked publishing (resource alarm); message left for a later attempt');
    const { channel } = await this.link();
    const gen = this.generation;
    const content = Buffer.from(JSON.stringify(body));
    return new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => settle(err);
      // A confirm that never comes means a link that is gone without saying so (a partition):
      // drop it, so the next publish opens a new one instead of waiting on this one too.
      const timer = setTimeout(() => {
        const why = `no confirm within ${this.timeoutMs} ms`;
        if (gen === this.generation) this.drop(why); // fails every publish waiting, this one too
        else fail(new BrokerUnavailableError(why));
      }, this.timeoutMs);
      timer.unref();
      const settle = (err?: Error) => {
        if (!this.waiting.delete(fail)) return; // settled already (timeout or channel loss)
        clearTimeout(timer);
        if (err) return reject(err);
        if (this.returned.delete(options.messageId)) return reject(new UnroutableError(options.messageId, routingKey));
        resolve();
      };
      this.waiting.add(fail);
      try {
        channel.publish(exchange, routingKey, content, { persistent: true, mandatory: true, contentType: 'application/json', ...options }, (err) =>
          settle(err ? new Error(`broker refused message ${options.messageId}: ${String(err)}`) : undefined),
        );
      } catch (err) {
        settle(err as Error); // the channel closed under us
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.generation++;
    const open = this.channel;
    this.channel = undefined;
    const link = await open?.catch(() => undefined);
    // Bounded: closing a connection the network swallowed would wait forever for the broker's reply.
    if (link) await new Promise<void>((resolve) => (link.connection.close(() => resolve()), setTimeout(resolve, 1_000).unref()));
    this.failAll(new BrokerUnavailableError('publisher closed'));
  }

  /** The open channel, or a new one; opening is bounded by `timeoutMs` too. */
  private async link() {
    const opening = (this.channel ??= this.open());
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not open within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([opening, late]);
    } catch (err) {
      if (this.channel === opening) this.drop('could not open a channel');
      throw new BrokerUnavailableError(`cannot open a publishing channel: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Forgets the current link (closing it unawaited) and fails whatever waits on it. */
  private drop(why: string): void {
    this.generation++;
    const open = this.channel;
    this.channel = undefined;
    this.blocked = false;
    void open?.then(({ connection }) => connection.close(() => undefined)).catch(() => undefined);
    this.failAll(new BrokerUnavailableError(`publishing stopped: ${why}; messages left for a later attempt`));
  }

  private async open() {
    const gen = ++this.generation;
    const connection = (await this.broker.connect('/')) as unknown as Connection;
    if (gen !== this.generation) {
      connection.close(() => undefined); // given up on while it opened
      throw new Error('superseded');
    }
    const lost = (why: string) => (err?: Error) => {
      if (gen !== this.generation) return;
      if (err) this.logger.warn({ err: err.message }, `publishing ${why}`);
      this.drop(why);
    };
    connection.on('error', lost('connection failed'));
    connection.on('close', lost('connection closed'));
    connection.on('blocked', () => {
      if (gen !== this.generation) return;
      this.blocked = true;
      this.failAll(new BrokerUnavailableError('broker blocked publishing (resource alarm)'));
    });
    connection.on('unblocked', () => gen === this.generation && (this.blocked = false));
    try {
      const channel = await new Promise<ConfirmChannel>((resolve, reject) =>
        connection.createConfirmChannel((err, ch) => (err ? reject(err) : resolve(ch))),
      );
      channel.on('return', (msg: { properties: { messageId?: string } }) => {
        if (msg.properties.messageId) this.returned.add(msg.properties.messageId);
      });
      channel.on('error', lost('channel failed'));
      channel.on('close', lost('channel closed'));
      return { connection, channel };
    } catch (err) {
      connection.close(() => undefined);
      throw err;
    }
  }

  private failAll(err: Error): void {
    for (const fail of [...this.waiting]) fail(err);
  }
}
