import { planSeed, sizeProblem, type Sizes } from './plan';

const SIZES: Sizes = { users: 300, movies: 200, reviews: 3000, cities: 8, cinemas: 30, screenings: 1000 };
const START = new Date('2030-01-07T00:00:00Z');

test('the same sizes, seed and start plan the same data set; another seed another one', () => {
  const a = planSeed(SIZES, 42, START);
  expect(planSeed(SIZES, 42, START)).toEqual(a);
  expect(planSeed(SIZES, 43, START).users).not.toEqual(a.users);
});

test('the plan has the sizes asked for, and every natural key once', () => {
  const p = planSeed(SIZES, 42, START);
  expect([p.users.length, p.movies.length, p.reviews.length, p.cities.length, p.cinemas.length, p.screenings.length]).toEqual([300, 200, 3000, 8, 30, 1000]);
  const distinct = (keys: string[]) => new Set(keys).size;
  expect(distinct(p.users.map((u) => u.email))).toBe(300);
  expect(distinct(p.movies.map((m) => m.title))).toBe(200);
  expect(distinct(p.reviews.map((r) => `${r.movie}/${r.author}`))).toBe(3000);
  expect(distinct(p.cities.map((c) => c.name.toLowerCase()))).toBe(8);
  expect(distinct(p.cinemas.map((c) => `${c.city}/${c.name}`))).toBe(30);
  expect(distinct(p.screenings.map((s) => `${s.cinema}/${s.movie}/${s.startsAt}`))).toBe(1000);
  // Every city has a cinema; references stay in range.
  expect(distinct(p.cinemas.map((c) => String(c.city)))).toBe(8);
  expect(p.reviews.every((r) => r.movie < 200 && r.author < 300 && r.rating >= 1 && r.rating <= 5)).toBe(true);
});

test('the data looks like a real catalogue: uneven attention, spread ratings, screenings from the start date', () => {
  const p = planSeed(SIZES, 42, START);
  const perMovie = new Map<number, number>();
  for (const r of p.reviews) perMovie.set(r.movie, (perMovie.get(r.movie) ?? 0) + 1);
  const counts = [...perMovie.values()].sort((a, b) => b - a);
  expect(counts[0]!).toBeGreaterThan(5 * counts[Math.floor(counts.length / 2)]!); // a few films get much of it
  expect(new Set(p.reviews.map((r) => r.rating)).size).toBe(5);
  const starts = p.screenings.map((s) => Date.parse(s.startsAt));
  expect(Math.min(...starts)).toBeGreaterThanOrEqual(START.getTime());
  expect(Math.max(...starts)).toBeLessThan(START.getTime() + 14 * 86_400_000);
  expect(p.screenings.some((s) => s.isPremiere)).toBe(true);
  expect(p.users[0]!.email).toMatch(/^[a-z]+\.[a-z]+\.1@seed\.example\.com$/);
});

test('sizes that cannot be planned are refused with the option to change', () => {
  expect(sizeProblem({ ...SIZES, reviews: 40_000 })).toMatch(/--reviews 40000 is more than half/);
  expect(sizeProblem({ ...SIZES, cities: 100 })).toMatch(/--cities is at most/);
  expect(sizeProblem({ ...SIZES, cinemas: 4 })).toMatch(/--cinemas must be at least --cities/);
  expect(sizeProblem({ ...SIZES, users: -1 })).toMatch(/--users must be a whole number/);
  expect(sizeProblem(SIZES)).toBeUndefined();
  expect(() => planSeed({ ...SIZES, cities: 100 }, 1, START)).toThrow(/--cities/);
});
