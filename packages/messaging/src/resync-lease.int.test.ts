import { testDatabase, type TestDatabase } from '@cinema/testing';
import { ResyncLeases, type LeaseDoc } from './resync-lease';

let t: TestDatabase;
beforeAll(async () => {
  t = await testDatabase('resync_lease');
});
afterAll(() => t.drop());

describe('resync leases (real MongoDB wire server)', () => {
  it('lets one owner instance at a time resync a queue, and remembers when the last finished one started', async () => {
    const leases = t.db.collection<LeaseDoc>('resync_leases');
    const [a, b] = [new ResyncLeases(leases), new ResyncLeases(leases)]; // two instances of the owner
    const held = await a.acquire('q1');
    expect(held).toBeDefined();
    expect(await b.acquire('q1')).toBeUndefined(); // busy, wherever it runs
    expect(await b.acquire('q2')).toBeDefined(); // another queue is not
    expect(await a.servedFrom('q1')).toBeUndefined();
    await held!.release(true);
    const again = await b.acquire('q1');
    expect(again).toBeDefined();
    expect((await a.servedFrom('q1'))!.getTime()).toBeLessThanOrEqual(Date.now());
    await again!.release(false); // a failed resync answers nothing: servedFrom stays the earlier one
  });

  it('takes over a lease whose holder died (expired)', async () => {
    const leases = t.db.collection<LeaseDoc>('resync_leases');
    await leases.insertOne({ _id: 'orphan', until: new Date(Date.now() - 1_000), holder: 'dead', startedAt: new Date(Date.now() - 120_000) });
    expect(await new ResyncLeases(leases).acquire('orphan')).toBeDefined();
  });
});
