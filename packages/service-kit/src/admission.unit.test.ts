import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admission } from './admission';

const res = () => new EventEmitter() as unknown as ServerResponse;
const settled = async <T>(p: Promise<T>) => Promise.race([p, sleep(5).then(() => 'pending' as const)]);

describe('admission control', () => {
  let admission: Admission | undefined;
  afterEach(() => admission?.close());

  // busyAbove 0: any utilization counts as busy once sampled; 2: never busy.
  const busy = async (limit: number, maxQueued = 10) => {
    admission = new Admission({ limit, maxQueued, busyAbove: 0, sampleMs: 5 });
    await sleep(20);
    return admission;
  };

  it('while busy, runs `limit` at once and admits the waiting in arrival order as requests leave', async () => {
    const a = await busy(2);
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
    const a = await busy(1, 2);
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

  it('while not busy, lets everyone in: the limit never caps a worker waiting on subgraphs', async () => {
    admission = new Admission({ limit: 1, maxQueued: 1, busyAbove: 2, sampleMs: 5 });
    await sleep(20);
    for (let i = 0; i < 5; i++) expect(admission.enter(res())).toBe(true);
    expect(admission.state).toMatchObject({ running: 5, waiting: 0, busy: false });
  });

  it('limit 0 is off', () => {
    admission = new Admission({ limit: 0, maxQueued: 0 });
    for (let i = 0; i < 3; i++) expect(admission.enter(res())).toBe(true);
    admission.leave();
    expect(admission.state.running).toBe(0);
  });
});
