import { ObjectId } from 'mongodb';
import { OPERATOR, resyncRequestExchange, type ResyncRequest } from '@cinema/events';
import { eventually, testUserPrefix } from '@cinema/testing';
import { UserRepository } from '../subgraphs/users/src/user/repository';
import { publishAs, startEventPlane, type EventPlane } from './support/event-plane';

/**
 * Resync requests against the real broker and the services' messaging as index.ts wires it: only
 * a queue's own consumer or an operator may make an owner re-publish its state (publisher identity
 * on the request), one resync per queue runs at a time and a request made before a resync started is
 * answered by it, and a resync repairs a replica holding a version its owner never had.
 */
const QUEUE = 'movies:user:replicate';
let plane: EventPlane;
let users: UserRepository;
const user = (role: string) => `${testUserPrefix()}${role}`;
const request = (o: Partial<ResyncRequest> = {}): ResyncRequest => ({ requestId: new ObjectId().toHexString(), queue: QUEUE, requestedAt: new Date().toISOString(), ...o });

beforeAll(async () => {
  plane = await startEventPlane('resync-auth');
  users = new UserRepository(plane.dbs.users.db, { onEvents: plane.messaging.users.relay.dispatch });
}, 60_000);
afterAll(() => plane?.stop());

const profile = (id: ObjectId) => plane.dbs.movies.db.collection('user_profiles').findOne({ _id: id });
const ask = (role: string, body: unknown, userId?: string | null) => publishAs(role, plane.q(resyncRequestExchange('users')), '', body, { userId });

describe('resync requests', () => {
  it('refuses a stranger: at the broker (no write on the owner\'s request exchange), or at the owner (publisher identity), with the reason and a metric', async () => {
    expect(await ask('catalog', request())).toMatch(/403 \(ACCESS-REFUSED\).*users:resync:requests/);
    expect(await ask('gateway', request())).toMatch(/403 \(ACCESS-REFUSED\)/);
    const before = { refused: await plane.resyncs('users', QUEUE, 'refused'), served: await plane.resyncs('users', QUEUE, 'served') };
    const elsewhere = { queue: await plane.resyncs('users', 'catalog:movie:replicate', 'refused'), unknown: await plane.resyncs('users', 'unknown', 'refused') };
    expect(await ask('admin', request())).toBe('confirmed'); // no user_id
    expect(await ask('admin', request(), 'guest')).toBe('confirmed');
    // movies may ask users for its own queue only: catalog's queue is not even users' events.
    expect(await ask('movies', request({ queue: 'catalog:movie:replicate' }))).toBe('confirmed');
    expect(await ask('movies', request({ replyTo: QUEUE }))).toBe('confirmed'); // progress reports into a consumer queue
    expect(await ask('movies', 'not { json')).toBe('confirmed');
    expect(await eventually(async () => (await plane.resyncs('users', QUEUE, 'refused')) - before.refused === 3, 10_000)).toBe(true);
    expect(await eventually(async () => (await plane.resyncs('users', 'catalog:movie:replicate', 'refused')) - elsewhere.queue === 1, 10_000)).toBe(true);
    expect(await eventually(async () => (await plane.resyncs('users', 'unknown', 'refused')) - elsewhere.unknown === 1, 10_000)).toBe(true);
    expect(await plane.resyncs('users', QUEUE, 'served')).toBe(before.served);
  });

  it('serves the queue\'s own consumer and an operator; one resync per queue, and a request made before a resync started is answered by it', async () => {
    const before = { served: await plane.resyncs('users', QUEUE, 'served'), coalesced: await plane.resyncs('users', QUEUE, 'coalesced') };
    await plane.messaging.movies.requestResync(QUEUE);
    expect(await eventually(async () => (await plane.resyncs('users', QUEUE, 'served')) - before.served === 1, 15_000)).toBe(true);
    // Two operators' requests made at the same moment: the first resync answers both.
    const at = new Date().toISOString();
    expect(await ask(OPERATOR, request({ requestedAt: at }))).toBe('confirmed');
    expect(await ask(OPERATOR, request({ requestedAt: at }))).toBe('confirmed');
    expect(await eventually(async () => (await plane.resyncs('users', QUEUE, 'served')) - before.served === 2 && (await plane.resyncs('users', QUEUE, 'coalesced')) - before.coalesced === 1, 15_000)).toBe(true);
  });

  it('repairs a replica frozen by a version its owner never had', async () => {
    const doc = await users.create({ email: `frozen-${Date.now()}@example.com`, fullName: 'Real Name' }, { correlationId: 'seed' });
    await eventually(async () => (await profile(doc._id))?.fullName === 'Real Name', 10_000);
    // As a forged event left it before the version rule existed: far ahead, ten minutes ago.
    await plane.dbs.movies.db.collection('user_profiles').updateOne({ _id: doc._id }, { $set: { fullName: 'Frozen', version: 9_000, eventAt: new Date(Date.now() - 600_000) } });
    const stale = await plane.consumed('movies', QUEUE, 'stale');
    await users.updateProfile(doc._id, { fullName: 'Real Name Two' }, { correlationId: 'real' });
    // The live v2 is stale against 9000: the replica stays frozen…
    expect(await eventually(async () => (await plane.consumed('movies', QUEUE, 'stale')) > stale, 10_000)).toBe(true);
    expect(await profile(doc._id)).toMatchObject({ fullName: 'Frozen', version: 9_000 });
    // …until a resync brings the owner's state: v2, and v9000 never existed there.
    expect(await ask(OPERATOR, request())).toBe('confirmed');
    expect(await eventually(async () => (await profile(doc._id))?.fullName === 'Real Name Two', 15_000)).toBe(true);
    expect(await profile(doc._id)).toMatchObject({ version: 2, deleted: false });
    expect(user(OPERATOR)).toMatch(/operator$/);
  });
});
