import { LiveStream } from './live-stream';
import { VersionGate } from './version-gate';

describe('per-entity version order, never twice', () => {
  it('admits each entity\'s versions only upwards: duplicates and late older ones are dropped', () => {
    const gate = new VersionGate();
    const arrivals: Array<[string, number]> = [['m1', 1], ['m1', 2], ['m2', 5], ['m1', 2], ['m1', 1], ['m2', 4], ['m1', 4], ['m1', 3], ['m2', 6]];
    expect(arrivals.filter(([id, v]) => gate.admit(id, v))).toEqual([['m1', 1], ['m1', 2], ['m2', 5], ['m1', 4], ['m2', 6]]);
  });

  it('stays bounded: past its size the entity seen longest ago is forgotten, the recent ones kept', () => {
    const gate = new VersionGate(2);
    gate.admit('a', 3);
    gate.admit('b', 3);
    gate.admit('a', 4); // a is now the most recent
    gate.admit('c', 1); // b goes
    expect(gate.admit('a', 4)).toBe(false);
    expect(gate.admit('b', 1)).toBe(true);
  });
});

describe('a subscriber\'s stream', () => {
  const result = (n: number) => ({ data: { n } });

  it('hands payloads out in the order pushed, to a reader that waits or comes later', async () => {
    const s = new LiveStream(10, () => undefined);
    const first = s.next();
    s.push(result(1));
    s.push(result(2));
    s.push(result(3));
    expect(await first).toEqual({ value: result(1), done: false });
    expect(await s.next()).toEqual({ value: result(2), done: false });
    expect(await s.next()).toEqual({ value: result(3), done: false });
  });

  it('cuts a reader that falls more than its bound behind, once, and frees what it held', async () => {
    const cut = jest.fn();
    const ended = jest.fn();
    const s = new LiveStream(2, cut);
    s.whenEnded(ended);
    expect([s.push(result(1)), s.push(result(2)), s.push(result(3)), s.push(result(4))]).toEqual([true, true, false, false]);
    expect(cut).toHaveBeenCalledTimes(1);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(await s.next()).toEqual({ value: undefined, done: true });
  });

  it('sends a last payload (the source was lost) after what is queued, then ends', async () => {
    const s = new LiveStream(5, () => undefined);
    s.push(result(1));
    s.last({ errors: [] });
    expect(s.closed).toBe(true);
    expect(await s.next()).toEqual({ value: result(1), done: false });
    expect(await s.next()).toEqual({ value: { errors: [] }, done: false });
    expect(await s.next()).toEqual({ value: undefined, done: true });
  });

  it('ends when the client leaves (return), and a push after that is refused without a cut', async () => {
    const cut = jest.fn();
    const s = new LiveStream(5, cut);
    await s.return();
    expect(s.push(result(1))).toBe(false);
    expect(cut).not.toHaveBeenCalled();
  });
});
