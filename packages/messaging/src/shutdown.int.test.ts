import amqplib from 'amqplib';
import { newEvent, type DomainEvent } from '@cinema/events';
import { amqpUrl, amqpUrlFor, eventually, silentLogger, testNamespace, testUserPrefix } from '@cinema/testing';
import { createBroker, publishConfirmed } from './broker';
import { Messaging } from './runtime';
import { buildTopology, PUBLICATION } from './topology';

describe('stopping a consumer (real RabbitMQ)', () => {
  it('stops taking messages, finishes the one in hand, acks it, and leaves the rest in the queue', async () => {
    const ns = testNamespace('shutdown');
    const owner = await createBroker(buildTopology({ url: amqpUrlFor('users'), namespace: ns, owns: 'users' }), silentLogger);
    const started: string[] = [];
    const finished: string[] = [];
    const consumer = new Messaging({
      url: amqpUrlFor('movies'),
      userPrefix: testUserPrefix(),
      namespace: ns,
      logger: silentLogger,
      consumes: [
        {
          queue: 'movies:user:replicate',
          handle: async (e: DomainEvent) => {
            started.push(e.eventId);
            await new Promise((r) => setTimeout(r, 300));
            finished.push(e.eventId);
          },
        },
      ],
    });
    consumer.start();
    await consumer.ready();
    const events = Array.from({ length: 3 }, (_, i) => {
      const id = `${'a'.repeat(23)}${i}`;
      return newEvent('user.created', { id, version: 1 }, { id, fullName: `S${i}` }, { correlationId: 'stop' });
    });
    await publishConfirmed(owner, PUBLICATION.events, events[0], { routingKey: 'user.created', messageId: events[0]!.eventId });
    await eventually(() => started.length === 1);
    await consumer.stop();
    expect(finished).toEqual(started); // what was in hand was finished before stop() returned
    for (const e of events.slice(1)) await publishConfirmed(owner, PUBLICATION.events, e, { routingKey: 'user.created', messageId: e.eventId });

    const conn = await amqplib.connect(amqpUrl());
    const ch = await conn.createChannel();
    const q = await ch.checkQueue(`${ns}:movies:user:replicate`);
    expect(q.consumerCount).toBe(0);
    expect(q.messageCount).toBe(2); // the first was acked; the later ones wait for the next consumer
    await conn.close();
    await owner.nuke();
    expect(started).toHaveLength(1);
  });
});
