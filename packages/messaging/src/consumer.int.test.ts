import amqplib from 'amqplib';
import { newEvent, type DomainEvent } from '@cinema/events';
import { amqpUrl, amqpUrlFor, eventually, silentLogger, testNamespace, testUserPrefix } from '@cinema/testing';
import { createBroker, type Broker } from './broker';
import { Messaging } from './runtime';
import { PUBLICATION, buildTopology } from './topology';

const ns = testNamespace('consumer');
const handled: DomainEvent[] = [];
/** Dead letters read so far (reading takes them off the queue). */
const collected: Array<{ body: string; reason: string }> = [];
let failuresLeft = 0;
let owner: Broker;
let consumer: Messaging;
let conn: amqplib.ChannelModel;

const user = (id: string, fullName: string, version = 1) =>
  newEvent('user.created', { id, version }, { id, fullName }, { correlationId: 'poison-test' });

beforeAll(async () => {
  owner = await createBroker(buildTopology({ url: amqpUrlFor('users'), namespace: ns, owns: 'users' }), silentLogger);
  consumer = new Messaging({
    url: amqpUrlFor('movies'),
    userPrefix: testUserPrefix(),
    namespace: ns,
    logger: silentLogger,
    consumes: [
      {
        queue: 'movies:user:replicate',
        handle: async (event) => {
          if (failuresLeft > 0) {
            failuresLeft--;
            throw Object.assign(new Error('connection refused'), { name: 'MongoNetworkError' });
          }
          handled.push(event);
        },
      },
    ],
  });
  consumer.start();
  await consumer.ready();
  conn = await amqplib.connect(amqpUrl());
});
afterAll(async () => {
  await consumer.stop();
  await owner.nuke();
  await conn.close();
});

/** Publishes anything to the users exchange, as a broken or hostile producer would. */
async function raw(content: unknown, routingKey: string, contentType = 'application/json') {
  const pub = await owner.publish(PUBLICATION.events, content, { routingKey, options: { contentType, messageId: String(Math.random()) } });
  await new Promise((resolve, reject) => pub.on('success', resolve).on('error', reject));
}

async function deadLetters(): Promise<Array<{ body: string; reason: string }>> {
  const ch = await conn.createChannel();
  const out: Array<{ body: string; reason: string }> = [];
  for (let m = await ch.get(`${ns}:movies:user:replicate:dlq`, { noAck: true }); m; m = await ch.get(`${ns}:movies:user:replicate:dlq`, { noAck: true })) {
    out.push({ body: m.content.toString(), reason: String(m.properties.headers?.rascal?.error?.message ?? '') });
  }
  await ch.close();
  return out;
}

describe('consumer (real RabbitMQ)', () => {
  it('dead-letters each poison message with its reason while the next good message still flows', async () => {
    const bad = user('aaaaaaaaaaaaaaaaaaaaaaaa', 'Ann');
    await raw('this is { not json', 'user.created');
    await raw({ ...bad, type: 'user.exploded' }, 'user.created');
    await raw({ ...bad, schemaVersion: 99 }, 'user.created');
    await raw({ ...bad, data: { id: 'x' } }, 'user.created');
    await raw({ ...bad, eventId: undefined }, 'user.created');
    await raw([], 'user.created');
    const good = user('bbbbbbbbbbbbbbbbbbbbbbbb', 'Bob');
    await raw(good, good.type);

    expect(await eventually(() => handled.some((e) => e.eventId === good.eventId))).toBe(true);
    const dead = await eventually(async () => {
      const all = [...collected, ...(await deadLetters())];
      collected.splice(0, collected.length, ...all);
      return all.length >= 6 ? all : null;
    }, 10_000);
    const reasons = dead!.map((d) => d.reason).join('\n');
    expect(reasons).toMatch(/invalid content|not JSON|Unexpected token/i);
    expect(reasons).toMatch(/unknown event type "user\.exploded"/);
    expect(reasons).toMatch(/unsupported schemaVersion 99/);
    expect(reasons).toMatch(/invalid data of user\.created/);
    expect(reasons).toMatch(/invalid envelope: eventId/);
    expect(reasons).toMatch(/not a JSON object/);
    expect(handled.filter((e) => e.eventId === bad.eventId)).toHaveLength(0);
  });

  it('retries a transient failure with backoff and applies the message once it succeeds', async () => {
    failuresLeft = 2;
    const event = user('cccccccccccccccccccccccc', 'Cy');
    await raw(event, event.type);
    expect(await eventually(() => handled.some((e) => e.eventId === event.eventId), 10_000)).toBe(true);
    expect(failuresLeft).toBe(0);
    expect(handled.filter((e) => e.eventId === event.eventId)).toHaveLength(1);
    expect(await deadLetters()).toEqual([]);
  });

  it('receives only what its bindings select', async () => {
    const other = newEvent('movie.created', { id: 'dddddddddddddddddddddddd', version: 1 }, { id: 'dddddddddddddddddddddddd', title: 'T', durationMinutes: 90, genres: [], releaseDate: null, synopsis: null }, { correlationId: 'x' });
    await raw(other, 'user.renamed.somehow');
    const marker = user('eeeeeeeeeeeeeeeeeeeeeeee', 'Eve');
    await raw(marker, marker.type);
    expect(await eventually(() => handled.some((e) => e.eventId === marker.eventId))).toBe(true);
    expect(handled.some((e) => e.eventId === other.eventId)).toBe(false);
    expect(await deadLetters()).toEqual([]);
  });
});
