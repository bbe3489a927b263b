import { Bindings, type Binder } from './bindings';

/** A binder that records what reached the broker, in order. */
function recorder() {
  const calls: string[] = [];
  const binder: Binder = {
    bind: async (k) => void calls.push(`bind ${k}`),
    unbind: async (k) => void calls.push(`unbind ${k}`),
  };
  return { calls, binder };
}

describe('routing keys bound while a live subscription needs them', () => {
  it('binds a key on its first subscription and unbinds it when the last one leaves', async () => {
    const { calls, binder } = recorder();
    const counts: number[] = [];
    const b = new Bindings(['movie.updated', 'movie.deleted', 'review.created'], (n) => counts.push(n));
    b.attach(binder);
    await b.acquire(['movie.updated', 'movie.deleted']);
    await b.acquire(['movie.updated', 'movie.deleted']);
    await b.acquire(['review.created']);
    b.release(['movie.updated', 'movie.deleted']);
    b.release(['review.created']);
    b.release(['movie.updated', 'movie.deleted']);
    await b.acquire([]);
    // Releases made at once reach the broker together, in the declared order.
    expect(calls).toEqual(['bind movie.updated', 'bind movie.deleted', 'bind review.created', 'unbind movie.updated', 'unbind movie.deleted', 'unbind review.created']);
    expect(counts.at(-1)).toBe(0);
    expect(Math.max(...counts)).toBe(3);
  });

  it('refuses while there is no link, and starts from nothing bound on a new one', async () => {
    const b = new Bindings(['movie.updated']);
    await expect(b.acquire(['movie.updated'])).rejects.toThrow(/no broker link/);
    b.release(['movie.updated']);
    const { calls, binder } = recorder();
    b.attach(binder);
    await b.acquire(['movie.updated']);
    b.detach();
    const again = recorder();
    b.attach(again.binder);
    await b.acquire([]);
    expect(calls).toEqual(['bind movie.updated']);
    // Still wanted by the subscription that holds it: bound again on the new link's queue.
    expect(again.calls).toEqual(['bind movie.updated']);
  });

  it('rejects the subscription whose bind failed, and the next one tries again', async () => {
    let fail = true;
    const b = new Bindings(['movie.updated']);
    b.attach({ bind: async () => { if (fail) throw new Error('ACCESS_REFUSED'); }, unbind: async () => undefined });
    await expect(b.acquire(['movie.updated'])).rejects.toThrow(/ACCESS_REFUSED/);
    b.release(['movie.updated']);
    fail = false;
    await expect(b.acquire(['movie.updated'])).resolves.toBeUndefined();
  });
});
