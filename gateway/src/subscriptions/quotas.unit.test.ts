import { ClientQuotas, SubscribeRate } from './quotas';

describe('subscription quotas', () => {
  it('holds at most so many subscriptions per client, and frees them on release', () => {
    const q = new ClientQuotas(2);
    expect([q.take('a'), q.take('a'), q.take('a'), q.take('b')]).toEqual([true, true, false, true]);
    q.release('a');
    expect(q.take('a')).toBe(true);
  });

  it('allows so many subscribes per client in a window, however quickly each ended, then says when to retry', async () => {
    const rate = new SubscribeRate(3, 200);
    expect(await Promise.all([rate.take('a'), rate.take('a'), rate.take('a')])).toEqual([0, 0, 0]);
    const wait = await rate.take('a');
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(200);
    expect(await rate.take('b')).toBe(0); // another client is not counted with it
    await new Promise((r) => setTimeout(r, wait + 20));
    expect(await rate.take('a')).toBe(0);
  });
});
