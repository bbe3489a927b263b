import { type ConsumerQueue, type DomainEvent, type Exchange, type ReplicaQueue, CONSUMERS, isReplicaQueue, resyncQueue, type ResyncRequest } from '@cinema/events';
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { Logger } from 'pino';
import { BrokerSetupTimeoutError, BrokerUnavailableError, createBroker, publishConfirmed, type Broker } from './broker';
import { planeIdentity, type PlaneIdentity } from './broker-user';
import { ConfirmPublisher } from './confirm-publisher';
import { startConsumer, type ConsumerOptions } from './consumer';
import type { MessagingObserver } from './observer';
import { OutboxRelay } from './relay';
import { serveResync, type Snapshot } from './resync';
import { ResyncLeases, type LeaseDoc } from './resync-lease';
import { buildTopology, PUBLICATION, qualify } from './topology';

export interface MessagingOptions {
  /** The broker, logged in as this service's own broker user (`<userPrefix><service>`). */
  url: string;
  /** How broker users are named (AMQP_USER_PREFIX): what an event's user_id must be (publisher-identity.ts). */
  userPrefix?: string;
  namespace?: string;
  logger: Logger;
  /**
   * The exchange this service publishes on, the collections whose outboxes feed it, its state for
   * resyncs, and where the resync leases live (one resync per queue at a time: resync-lease.ts).
   */
  owns?: { exchange: Exchange; outboxes: Collection<any>[]; snapshot: Snapshot; count: () => Promise<number>; leases: Collection<LeaseDoc> };
  /** The queues this service consumes, each with its handler; `isEmpty` (read models only) triggers a resync at start. */
  consumes?: Array<{ queue: ConsumerQueue; handle: ConsumerOptions['handle']; isEmpty?: () => Promise<boolean> }>;
  sweepIntervalMs?: number;
  /** Told about every publish and every consumed message (metrics). */
  observer?: MessagingObserver;
  /** One connection attempt's bound, topology included (broker.ts; tests shorten it). */
  setupTimeoutMs?: number;
}

/**
 * Everything a service does with RabbitMQ, started after its HTTP server: connect (retrying in the
 * background, so the service serves requests while the broker is down and its outbox fills), then
 * sweep outboxes, consume, answer resync requests. `stop` reverses it and leaves nothing in flight.
 */
export class Messaging {
  readonly relay: OutboxRelay;
  private broker: Broker | undefined;
  /** The relay's pipelined publisher (confirm-publisher.ts); Rascal does everything else. */
  private publisher: ConfirmPublisher | undefined;
  /** The broker's connection is up right now (Rascal reconnects by itself; this follows it). */
  private linkUp = false;
  private stopped = false;
  private connecting: Promise<void> | undefined;
  private readonly stops: Array<() => Promise<unknown>> = [];
  private onStop: () => void = () => undefined;
  /** Resolves when stop() begins: retry waits end at once instead of holding up the shutdown. */
  private readonly stopping = new Promise<void>((resolve) => (this.onStop = resolve));
  readonly identity: PlaneIdentity;

  constructor(private readonly o: MessagingOptions) {
    this.identity = planeIdentity(o.url, o.userPrefix);
    this.relay = new OutboxRelay({
      collections: o.owns?.outboxes ?? [],
      publish: (event, headers) => this.publish(event, headers),
      logger: o.logger,
      sweepIntervalMs: o.sweepIntervalMs,
      exchange: o.owns?.exchange,
      observer: o.observer,
    });
  }

  /** Connected to RabbitMQ now: readiness reports it (`rabbitmq`). */
  get connected(): boolean {
    return this.broker !== undefined && this.linkUp && !this.stopped;
  }

  start(): void {
    void this.relay.ensureIndexes().catch((err) => this.o.logger.warn({ err }, 'could not create the outbox index'));
    this.connecting = this.connect();
  }

  /** Resolves once connected and consuming (tests, and callers that must not go on without it). */
  async ready(): Promise<void> {
    await this.connecting;
  }

  /** `headers` adds message headers (the trace context); the body is the envelope alone. */
  publish(event: DomainEvent, headers: Record<string, string> = {}): Promise<void> {
    if (!this.publisher || !this.o.owns) return Promise.reject(new BrokerUnavailableError('not connected to the broker yet'));
    return this.publisher.publish(qualify(this.o.owns.exchange, this.o.namespace), event.type, event, {
      // The broker refuses any other user_id than our login: consumers trust this one.
      userId: this.identity.self,
      messageId: event.eventId,
      correlationId: event.correlationId,
      type: event.type,
      timestamp: Math.floor(Date.now() / 1000),
      headers: { ...headers, 'x-schema-version': event.schemaVersion },
    });
  }

  /** Asks an owner to re-publish its state to one of this service's queues (rule 6). */
  async requestResync(queue: ReplicaQueue, replyTo?: string): Promise<string> {
    if (!this.broker) throw new BrokerUnavailableError('not connected to the broker yet');
    const request: ResyncRequest = { requestId: randomUUID(), queue, requestedAt: new Date().toISOString(), ...(replyTo ? { replyTo } : {}) };
    await publishConfirmed(this.broker, PUBLICATION.resyncRequest(CONSUMERS[queue].owner), request, { messageId: request.requestId });
    return request.requestId;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.onStop();
    // A start still under way finishes first, so whatever it started is stopped below.
    await this.connecting;
    for (const stop of this.stops.reverse()) await stop().catch((err) => this.o.logger.warn({ err }, 'stop step failed'));
    await this.relay.stop();
    await this.publisher?.close();
    await this.broker?.shutdown().catch((err: Error) => this.o.logger.warn({ err }, 'broker shutdown failed'));
  }

  private async connect(): Promise<void> {
    // Never rejects: every failure below is retried (an unhandled rejection would end the process).
    const { o } = this;
    const topology = buildTopology({ url: o.url, namespace: o.namespace, owns: o.owns?.exchange, consumes: o.consumes?.map((c) => c.queue) });
    for (let attempt = 0, delay = 500; !this.stopped; attempt++, delay = Math.min(delay * 2, 10_000)) {
      try {
        this.broker = await createBroker(topology, o.logger, o.setupTimeoutMs);
        break;
      } catch (err) {
        // An overrun is rare and says the broker is sick, not merely down: always on record.
        if (attempt % 5 === 0 || err instanceof BrokerSetupTimeoutError) o.logger.warn({ err: (err as Error).message, retryInMs: delay }, 'cannot connect to the broker, or an owner has not declared its exchanges yet; retrying');
        await this.pause(delay);
      }
    }
    const broker = this.broker;
    if (!broker) return;
    if (this.stopped) {
      this.broker = undefined;
      return void (await broker.shutdown().catch(() => undefined));
    }
    this.linkUp = true;
    this.publisher = new ConfirmPublisher(broker, o.logger);
    // Rascal forwards its vhost's connection events to the broker.
    broker.on('disconnect', () => (this.linkUp = false));
    // After an outage, publish what waited in the outboxes now, not at the next sweep.
    broker.on('vhost_initialised', () => {
      this.linkUp = true;
      void this.relay.sweep().catch(() => undefined);
    });
    this.relay.start();
    void this.relay.sweep().catch(() => undefined);
    // Each step is retried until it succeeds (a database or broker blip must neither crash the
    // process nor leave it running without consuming); none is started twice.
    if (o.owns) {
      const owns = o.owns;
      const sub = await this.untilDone('answer resync requests', () =>
        serveResync({
          broker, owner: owns.exchange, subscription: resyncQueue(owns.exchange), snapshot: owns.snapshot, count: owns.count,
          leases: new ResyncLeases(owns.leases), identity: this.identity, logger: o.logger, observer: o.observer,
        }),
      );
      if (sub) this.stops.push(() => sub.cancel());
    }
    for (const c of o.consumes ?? []) {
      // Asked before consuming: once the first event is applied the read model is not empty any more.
      const queue = c.queue;
      const empty = c.isEmpty && isReplicaQueue(queue) ? await this.untilDone('check the read model', c.isEmpty) : false;
      const consumer = await this.untilDone(`consume ${c.queue}`, () =>
        startConsumer({
          broker, subscription: c.queue, handles: CONSUMERS[c.queue].handles, handle: c.handle,
          identity: this.identity, namespace: o.namespace, logger: o.logger, observer: o.observer,
        }),
      );
      if (consumer) this.stops.push(() => consumer.stop());
      if (empty && isReplicaQueue(queue)) {
        const requestId = await this.untilDone('ask for a resync', () => this.requestResync(queue));
        if (requestId) o.logger.info({ queue: c.queue, requestId }, 'read model is empty: asked its owner for a resync');
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return Promise.race([new Promise<void>((r) => setTimeout(r, ms)), this.stopping]);
  }

  /** Retries `step` with backoff until it succeeds or the messaging stops (then: undefined). */
  private async untilDone<T>(what: string, step: () => Promise<T>): Promise<T | undefined> {
    for (let delay = 500; !this.stopped; delay = Math.min(delay * 2, 10_000)) {
      try {
        return await step();
      } catch (err) {
        this.o.logger.warn({ err, retryInMs: delay }, `could not ${what}; retrying`);
        await this.pause(delay);
      }
    }
    return undefined;
  }
}
