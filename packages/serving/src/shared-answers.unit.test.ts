import { allowSharing, InflightAnswers, withVerdict } from './shared-answers';

const answer = { status: 200, headers: [['content-type', 'application/json']] as Array<[string, string]>, body: Buffer.from('{"data":{}}') };

describe('answers shared while in flight', () => {
  it('gives waiters the leader\'s answer, then forgets the key (not a cache)', async () => {
    const inflight = new InflightAnswers();
    expect(inflight.waitFor('k')).toBeUndefined();
    const done = inflight.lead('k');
    const waiting = [inflight.waitFor('k'), inflight.waitFor('k')];
    done(answer);
    expect(await Promise.all(waiting)).toEqual([answer, answer]);
    expect(inflight.waitFor('k')).toBeUndefined();
    expect(inflight.size).toBe(0);
  });

  it('resolves waiters with undefined when the answer may not be shared, so each runs on its own', async () => {
    const inflight = new InflightAnswers();
    const done = inflight.lead('k');
    const waiting = inflight.waitFor('k');
    done(undefined);
    expect(await waiting).toBeUndefined();
  });

  it('keeps the verdict through the shallow copy Apollo makes of the context', () => {
    const { context, verdict } = withVerdict({ requestId: 'r' });
    expect(verdict.shareable).toBe(false);
    const copy = Object.assign(Object.create(Object.getPrototypeOf(context)), context);
    allowSharing(copy);
    expect(verdict.shareable).toBe(true);
    // A context without a verdict (a request that leads nothing) is left alone.
    expect(() => allowSharing({})).not.toThrow();
  });
});
