import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ObjectId } from 'mongodb';
import { newEvent } from '@cinema/events';
import { amqpUrlFor, silentLogger, testDatabase, testNamespace, testUserPrefix, type TestDatabase } from '@cinema/testing';
import { createBroker, publishConfirmed, type Broker } from './broker';
import { buildTopology, PUBLICATION } from './topology';

const ns = testNamespace('redelivery');
let t: TestDatabase;
let owner: Broker;
beforeAll(async () => {
  t = await testDatabase('redelivery');
  owner = await createBroker(buildTopology({ url: amqpUrlFor('users'), namespace: ns, owns: 'users' }), silentLogger);
});
afterAll(async () => {
  await owner.nuke();
  await t.drop();
});

/** Runs the fixture consumer as a real process and collects the JSON lines it prints. */
function consumer(crash: boolean) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'crash-consumer.ts')], {
    env: { ...process.env, AMQP_URL: amqpUrlFor('movies'), AMQP_USER_PREFIX: testUserPrefix(), NS: ns, DB: t.db.databaseName, CRASH_AFTER_WRITE: crash ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: any[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(JSON.parse(l));
    waiters.splice(0).forEach((w) => w());
  });
  const until = (p: (l: any) => boolean) =>
    new Promise<any>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('fixture did not report in time')), 20_000);
      const check = () => {
        const hit = lines.find(p);
        if (hit) {
          clearTimeout(timer);
          resolve(hit);
        } else waiters.push(check);
      };
      check();
    });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, signal) => resolve(signal)));
  return { child, until, exited };
}

describe('a consumer killed between its write and its ack (real processes, real RabbitMQ)', () => {
  it('gets the message again and applies it once', async () => {
    const first = consumer(true);
    await first.until((l) => l.ready);
    const id = new ObjectId().toHexString();
    const event = newEvent('user.created', { id, version: 1 }, { id, fullName: 'Kim' }, { correlationId: 'crash' });
    await publishConfirmed(owner, PUBLICATION.events, event, { routingKey: event.type, messageId: event.eventId });

    expect(await first.until((l) => l.eventId === event.eventId)).toEqual({ eventId: event.eventId, outcome: 'applied' });
    expect(await first.exited).toBe('SIGKILL');
    expect(await t.db.collection('user_profiles').findOne({ _id: new ObjectId(id) })).toMatchObject({ fullName: 'Kim', version: 1 });

    const second = consumer(false);
    expect(await second.until((l) => l.eventId === event.eventId)).toEqual({ eventId: event.eventId, outcome: 'stale' });
    second.child.kill('SIGTERM');
    await second.exited;
    expect(await t.db.collection('user_profiles').countDocuments()).toBe(1);
  });
});
