import amqplib from 'amqplib';
import { amqpUrl, silentLogger, TcpProxy, testNamespace } from '@cinema/testing';
import { BrokerUnavailableError, createBroker, UnroutableError, type Broker } from './broker';
import { ConfirmPublisher } from './confirm-publisher';
import { buildTopology, qualify } from './topology';

// The relay's publisher against a real RabbitMQ, its link through a proxy we can break.
const ns = testNamespace('confirm');
const exchange = qualify('users', ns);
const proxy = new TcpProxy({ host: new URL(amqpUrl()).hostname, port: Number(new URL(amqpUrl()).port || 5672) });
let broker: Broker;
let publisher: ConfirmPublisher;
let conn: amqplib.ChannelModel;
let ch: amqplib.Channel;
const queue = `${ns}:probe`;

beforeAll(async () => {
  await proxy.start();
  broker = await createBroker(buildTopology({ url: proxy.urlThrough(amqpUrl()), namespace: ns, owns: 'users' }), silentLogger);
  publisher = new ConfirmPublisher(broker, silentLogger, 1_000);
  conn = await amqplib.connect(amqpUrl());
  ch = await conn.createChannel();
  await ch.assertQueue(queue, { durable: false, autoDelete: false });
  await ch.bindQueue(queue, exchange, 'user.#');
});
afterAll(async () => {
  await publisher.close();
  await ch.deleteQueue(queue);
  await conn.close();
  await broker.nuke();
  await proxy.stop();
});

const event = (i: number) => ({ eventId: `e-${i}`, type: 'user.created', n: i });
const send = (i: number, routingKey = 'user.created') =>
  publisher.publish(exchange, routingKey, event(i), { messageId: `e-${i}`, headers: { 'x-schema-version': 1 } });

async function drain(): Promise<amqplib.GetMessage[]> {
  const got: amqplib.GetMessage[] = [];
  for (let m = await ch.get(queue, { noAck: true }); m; m = await ch.get(queue, { noAck: true })) got.push(m);
  return got;
}

it('confirms 300 publishes in flight at once, each delivered once with its id, type and headers', async () => {
  await Promise.all(Array.from({ length: 300 }, (_, i) => send(i)));
  const got = await drain();
  expect(got).toHaveLength(300);
  expect(new Set(got.map((m) => m.properties.messageId)).size).toBe(300);
  expect(got[0]!.properties).toMatchObject({ contentType: 'application/json', deliveryMode: 2, headers: { 'x-schema-version': 1 } });
  expect(JSON.parse(got[7]!.content.toString())).toEqual(event(Number(got[7]!.properties.messageId.slice(2))));
});

it('rejects an unroutable event (the owner exchange has an alternate one: so a queue-less name is tested on the default exchange)', async () => {
  await expect(publisher.publish('', `${ns}:no-such-queue`, event(1), { messageId: 'lost-1' })).rejects.toBeInstanceOf(UnroutableError);
  await expect(send(2)).resolves.toBeUndefined(); // the channel is still good
  await drain();
});

it('fails the publishes in flight when the link drops, then opens a new one', async () => {
  const inFlight = Array.from({ length: 50 }, (_, i) => send(1000 + i).then(() => 'ok', (err: Error) => err));
  proxy.reset();
  const outcomes = await Promise.all(inFlight);
  // Each one either made it before the drop or was refused as "try again": never left hanging.
  for (const o of outcomes) if (o !== 'ok') expect(o).toBeInstanceOf(BrokerUnavailableError);
  proxy.pass();
  await expect(send(2000)).resolves.toBeUndefined();
  await drain();
});

it('gives up on a silent (blackholed) link within its timeout, and recovers once it heals', async () => {
  proxy.blackhole();
  const started = Date.now();
  await expect(send(3000)).rejects.toBeInstanceOf(BrokerUnavailableError);
  expect(Date.now() - started).toBeLessThan(5_000);
  proxy.pass();
  await expect(send(3001)).resolves.toBeUndefined();
  expect((await drain()).map((m) => m.properties.messageId)).toContain('e-3001');
});
