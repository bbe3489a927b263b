import { newEvent, type DomainEvent } from '@cinema/events';
import { Collection, ObjectId } from 'mongodb';
import { amqpUrlFor, eventually, silentLogger, testDatabase, testNamespace, type TestDatabase } from '@cinema/testing';
import { createBroker, publishConfirmed, UnroutableError, type Broker } from './broker';
import { updateWithEvent, withEvent } from './outbox';
import { OutboxRelay } from './relay';
import { buildTopology, PUBLICATION } from './topology';

let t: TestDatabase;
let owner: Broker;
let consumer: Broker;
const received: DomainEvent[] = [];

beforeAll(async () => {
  t = await testDatabase('relay');
  const namespace = testNamespace('relay');
  owner = await createBroker(buildTopology({ url: amqpUrlFor('users'), namespace, owns: 'users' }), silentLogger);
  consumer = await createBroker(buildTopology({ url: amqpUrlFor('movies'), namespace, consumes: ['movies:user:replicate'] }), silentLogger);
  const sub = await consumer.subscribe('movies:user:replicate');
  sub.on('message', (_m, content: DomainEvent, ack) => {
    received.push(content);
    ack();
  });
  sub.on('error', () => undefined);
});
afterAll(async () => {
  // The consumer's user may delete only its own names: its queues go with the run's namespace.
  await consumer.shutdown();
  await owner.nuke();
  await t.drop();
});

const users = () => t.db.collection<any>('users');
const publish = (e: DomainEvent) =>
  publishConfirmed(owner, PUBLICATION.events, e, { routingKey: e.type, messageId: e.eventId, correlationId: e.correlationId });

async function createUser(name: string) {
  const _id = new ObjectId();
  const event = newEvent('user.created', { id: _id.toHexString(), version: 1 }, { id: _id.toHexString(), fullName: name }, { correlationId: 'test' });
  await users().insertOne(withEvent({ _id, fullName: name, version: 1 }, event));
  return { _id, event };
}

describe('outbox relay (real RabbitMQ, real MongoDB wire server)', () => {
  it('rejects a publish nobody can route instead of counting it', async () => {
    await expect(
      publishConfirmed(owner, PUBLICATION.resync, { x: 1 }, { routingKey: 'no-such-queue', messageId: 'm1' }),
    ).rejects.toBeInstanceOf(UnroutableError);
  });

  it('publishes right after the write and removes the entry only once confirmed', async () => {
    const relay = new OutboxRelay({ collections: [users()], publish, logger: silentLogger });
    const { _id, event } = await createUser('ann');
    relay.dispatch(users(), _id, [event]);
    expect(await eventually(() => received.some((e) => e.eventId === event.eventId))).toBe(true);
    expect(await eventually(async () => (await users().findOne({ _id }))!.outbox.length === 0)).toBe(true);
    await relay.stop();
  });

  it('empties the outboxes holding just their confirmed entry in one statement, and pins any other outbox', async () => {
    const created = await Promise.all(Array.from({ length: 10 }, (_, i) => createUser(`one${i}`)));
    const relay = new OutboxRelay({ collections: [users()], publish, logger: silentLogger });
    const [many, bulk] = [jest.spyOn(Collection.prototype, 'updateMany'), jest.spyOn(Collection.prototype, 'bulkWrite')];
    try {
      await relay.sweep();
      const ours = (filter: any) => created.some((c) => (filter?._id?.$in ?? [filter?._id]).some((id: ObjectId) => c._id.equals(id)));
      // One updateMany for the ten; the general form (a bulkWrite of two statements each) not needed.
      expect(many.mock.calls.filter(([filter]) => ours(filter)).map(([filter]) => (filter as any)._id.$in.length)).toEqual([10]);
      expect(bulk.mock.calls.filter(([ops]) => ops.some((op: any) => ours(op.updateOne?.filter)))).toEqual([]);
    } finally {
      many.mockRestore();
      bulk.mockRestore();
    }
    for (const { _id } of created) expect(await users().findOne({ _id })).toMatchObject({ outbox: [] });
    expect(await users().countDocuments({ _id: { $in: created.map((c) => c._id) }, outboxPending: true })).toBe(0);
  });

  it('gathers the removals of immediate publishes that arrive apart into one statement', async () => {
    // One collection object, as a repository holds it: removals are gathered per collection.
    const collection = users();
    const relay = new OutboxRelay({ collections: [collection], publish, logger: silentLogger });
    const many = jest.spyOn(Collection.prototype, 'updateMany');
    const created: Array<{ _id: ObjectId; event: DomainEvent }> = [];
    try {
      // Five sign-ups a few ms apart, as a stream of mutations dispatches them: each confirmed on its own.
      for (let i = 0; i < 5; i++) {
        const c = await createUser(`apart${i}`);
        created.push(c);
        relay.dispatch(collection, c._id, [c.event]);
        await new Promise((r) => setTimeout(r, 2));
      }
      await relay.stop();
      const ours = (filter: any) => created.some((c) => (filter?._id?.$in ?? []).some((id: ObjectId) => c._id.equals(id)));
      const removals = many.mock.calls.filter(([filter]) => ours(filter)).map(([filter]) => (filter as any)._id.$in.length);
      // They waited for one another (REMOVAL_LINGER_MS): fewer statements than sign-ups, none lost.
      expect(removals.reduce((a, b) => a + b, 0)).toBe(5);
      expect(removals.length).toBeLessThan(5);
    } finally {
      many.mockRestore();
    }
    for (const { _id } of created) expect(await users().findOne({ _id })).toMatchObject({ outbox: [] });
  });

  it('versions each change and records its event in the same write', async () => {
    const { _id } = await createUser('bob');
    const updated = await updateWithEvent(users(), { _id }, (current, version) => ({
      set: { fullName: 'Robert' },
      event: newEvent('user.profile.updated', { id: _id.toHexString(), version }, { id: _id.toHexString(), fullName: 'Robert' }, { correlationId: 'c' }),
    }));
    expect(updated).toMatchObject({ version: 2, fullName: 'Robert' });
    const stored = await users().findOne({ _id });
    expect(stored.outbox.map((e: DomainEvent) => [e.type, e.aggregateVersion])).toEqual([
      ['user.created', 1],
      ['user.profile.updated', 2],
    ]);
  });

  it('keeps a document flagged for the sweep while any of its events is unconfirmed', async () => {
    const relay = new OutboxRelay({ collections: [users()], publish, logger: silentLogger });
    const { _id, event: first } = await createUser('flag');
    await updateWithEvent(users(), { _id }, (_c, version) => ({
      set: { fullName: 'Flagged' },
      event: newEvent('user.profile.updated', { id: _id.toHexString(), version }, { id: _id.toHexString(), fullName: 'Flagged' }, { correlationId: 'c' }),
    }));
    relay.dispatch(users(), _id, [first]);
    await relay.stop();
    const after = await users().findOne({ _id });
    expect(after.outbox.map((e: DomainEvent) => e.type)).toEqual(['user.profile.updated']);
    expect(after.outboxPending).toBe(true);
    await relay.sweep();
    const drained = await users().findOne({ _id });
    expect(drained.outbox).toEqual([]);
    expect(drained.outboxPending).toBeUndefined();
  });

  it('lets the sweep publish what no immediate publish got out, with many confirms in flight', async () => {
    const created = await Promise.all(Array.from({ length: 200 }, (_, i) => createUser(`bulk${i}`)));
    const relay = new OutboxRelay({ collections: [users()], publish, logger: silentLogger });
    await relay.sweep();
    const ids = new Set(created.map((c) => c.event.eventId));
    expect(await eventually(() => received.filter((e) => ids.has(e.eventId)).length === 200, 10_000)).toBe(true);
    expect(await relay.backlog()).toBe(0);
  });

  it('loses nothing when two relays sweep the same outboxes at once', async () => {
    const created = await Promise.all(Array.from({ length: 100 }, (_, i) => createUser(`race${i}`)));
    const a = new OutboxRelay({ collections: [users()], publish, logger: silentLogger });
    const b = new OutboxRelay({ collections: [users()], publish, logger: silentLogger });
    await Promise.all([a.sweep(), b.sweep(), a.sweep(), b.sweep()]);
    await Promise.all([a.sweep(), b.sweep()]);
    const ids = new Set(created.map((c) => c.event.eventId));
    expect(await eventually(() => new Set(received.filter((e) => ids.has(e.eventId)).map((e) => e.eventId)).size === 100, 10_000)).toBe(true);
    expect(await a.backlog()).toBe(0);
  });

  it('drains a backlog larger than one sweep batch in back-to-back rounds, not one batch per interval', async () => {
    const created = await Promise.all(Array.from({ length: 120 }, (_, i) => createUser(`backlog${i}`)));
    // Rounds of 25 documents, one interval of a minute: only rounds run back to back drain 120 in time.
    const relay = new OutboxRelay({ collections: [users()], publish, logger: silentLogger, batchSize: 25, sweepIntervalMs: 60_000 });
    const sweep = jest.spyOn(relay, 'sweep');
    relay.start();
    try {
      const ids = new Set(created.map((c) => c.event.eventId));
      expect(await eventually(async () => (await relay.backlog()) === 0, 20_000)).toBe(true);
      expect(await eventually(() => received.filter((e) => ids.has(e.eventId)).length >= 120, 5_000)).toBe(true);
      expect(sweep.mock.calls.length).toBeGreaterThanOrEqual(5);
    } finally {
      await relay.stop();
    }
  });
});
