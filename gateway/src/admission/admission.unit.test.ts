import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admission } from './admission';

const res = () => new EventEmitter() as unknown as ServerResponse;
const settled = async <T>(p: Promise<T>) => Promise.race([p, sleep(5).then(() => 'pending' as const)]);
const BUSY = 0.95;
const IDLE = 0.5;

describe('admission control', () => {
  let admission: Admission | undefined;
  afterEach(() => admission?.close());
  // The timer never fires in these tests: each one feeds the utilization samples itself.
  const make = (limit: number, maxQueued = 10) => (admission = new Admission({ limit, maxQueued, sampleMs: 3_600_000 }));

  it('while busy, runs the window at once and admits the waiting in arrival order as requests leave', async () => {
    const a = make(2);
    a.observe(BUSY);
    expect(a.enter(res())).toBe(true);
    expect(a.enter(res())).toBe(true);
    const third = a.enter(res()) as Promise<boolean>;
    const fourth = a.enter(res()) as Promise<boolean>;
    expect(await settled(third)).toBe('pending');
    expect(a.state).toMatchObject({ running: 2, waiting: 2, busy: true });
    a.leave();
    expect(await settled(third)).toBe(true);
    expect(await settled(fourth)).toBe('pending');
    a.leave();
    expect(await settled(fourth)).toBe(true);
    expect(a.state).toMatchObject({ running: 2, waiting: 0 });
  });

  it('refuses beyond maxQueued, and a client that leaves while waiting loses its place', async () => {
    const a = make(1, 2);
    a.observe(BUSY);
    expect(a.enter(res())).toBe(true);
    const leaving = res();
    const gone = a.enter(leaving) as Promise<boolean>;
    const next = a.enter(res()) as Promise<boolean>;
    expect(a.enter(res())).toBe('full');
    leaving.emit('close');
    expect(await settled(gone)).toBe(false);
    expect(a.state.waiting).toBe(1);
    a.leave();
    expect(await settled(next)).toBe(true);
    expect(a.state).toMatchObject({ running: 1, waiting: 0 });
  });

  it('while not busy, lets everyone in, the waiting too: a worker waiting on subgraphs is never capped', async () => {
    const a = make(1);
    for (let i = 0; i < 5; i++) expect(a.enter(res())).toBe(true);
    a.observe(BUSY);
    const waiting = [a.enter(res()), a.enter(res())] as Promise<boolean>[];
    a.observe(IDLE);
    expect(await Promise.all(waiting)).toEqual([true, true]);
    expect(a.state).toMatchObject({ running: 7, waiting: 0, busy: false });
  });

  it('the window doubles when holding requests back left the loop idle, and narrows by a quarter per busy sample down to the limit', () => {
    const a = make(4);
    a.observe(BUSY);
    expect(a.state.window).toBe(4);
    a.observe(IDLE); // nobody waited: the window was not the cause
    expect(a.state.window).toBe(4);
    a.observe(BUSY);
    for (let i = 0; i < 5; i++) a.enter(res()); // the fifth waits
    a.observe(IDLE);
    expect(a.state.window).toBe(8);
    // A busy sample, requests until one has to wait, then an idle sample: the window was too small.
    const starve = () => {
      a.observe(BUSY);
      while (a.enter(res()) === true);
      a.observe(IDLE);
    };
    starve(); // 8 → 6 → 12
    starve(); // 12 → 9 → 18
    starve(); // 18 → 13 → 26
    expect(a.state.window).toBe(26);
    const narrowed: number[] = [];
    for (let i = 0; i < 7; i++) a.observe(BUSY), narrowed.push(a.state.window);
    // Back at the limit within tenths of a second; by one per sample it took 22 samples.
    expect(narrowed).toEqual([19, 14, 10, 7, 5, 4, 4]);
  });

  it('limit 0 is off', () => {
    const a = make(0, 0);
    a.observe(BUSY);
    for (let i = 0; i < 3; i++) expect(a.enter(res())).toBe(true);
    a.leave();
    expect(a.state.running).toBe(0);
  });
});
