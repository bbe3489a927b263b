import { ResponseStore } from './store';

const result = (n: number) => ({ data: { n } });
const live = (o: Partial<{ maxBytes: number; ttlMs: number }> = {}) => {
  const s = new ResponseStore({ maxBytes: o.maxBytes ?? 1_000_000, ttlMs: o.ttlMs ?? 60_000 });
  s.setAvailable(true);
  return s;
};

describe('ResponseStore', () => {
  it('answers what it kept until an event for one of its types', () => {
    const s = live();
    s.set('k', ['Movie', 'User'], s.snapshot(['Movie', 'User']), result(1), 10);
    expect(s.get('k')).toEqual(result(1));
    s.invalidate(['Review']);
    expect(s.get('k')).toEqual(result(1));
    s.invalidate(['User']);
    expect(s.get('k')).toBeUndefined();
  });

  it('refuses a response computed while an event for its types arrived (the race)', () => {
    const s = live();
    const seen = s.snapshot(['Movie']); // the request starts
    s.invalidate(['Movie']); // an event lands while it runs
    expect(s.set('k', ['Movie'], seen, result(1), 10)).toBe(false);
    expect(s.get('k')).toBeUndefined();
  });

  it('neither reads nor keeps while it may miss events, and forgets everything across a disconnection', () => {
    const s = live();
    s.set('k', ['Movie'], s.snapshot(['Movie']), result(1), 10);
    const seen = s.snapshot(['Movie']);
    s.setAvailable(false);
    expect(s.get('k')).toBeUndefined();
    expect(s.set('j', ['Movie'], s.snapshot(['Movie']), result(2), 10)).toBe(false);
    s.setAvailable(true);
    expect(s.get('k')).toBeUndefined();
    // A request that started before the disconnection must not fill the store after it.
    expect(s.set('k', ['Movie'], seen, result(1), 10)).toBe(false);
  });

  it('stays within its byte budget, least recently used out first', () => {
    const s = live({ maxBytes: 100 });
    for (let i = 0; i < 5; i++) s.set(`k${i}`, ['Movie'], s.snapshot(['Movie']), result(i), 30);
    expect(s.size).toBeLessThanOrEqual(3);
    expect(s.get('k4')).toEqual(result(4));
    expect(s.get('k0')).toBeUndefined();
  });

  it('drops an entry after its TTL even without an event', async () => {
    const s = live({ ttlMs: 30 });
    s.set('k', ['Movie'], s.snapshot(['Movie']), result(1), 10);
    await new Promise((r) => setTimeout(r, 60));
    expect(s.get('k')).toBeUndefined();
  });
});
