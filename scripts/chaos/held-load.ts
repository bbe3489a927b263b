/**
 * A sustained mixed load through the gateway: 8 clients, 80 % reads (movie lists, a movie with its
 * reviews and authors, a city's catalog) and 20 % writes that need no replica (users and movies).
 * Every answer must be free of errors; the figure is what the system held, with its p99.
 */
export interface HeldLoad {
  seconds: number;
  requests: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const tag = () => Math.random().toString(36).slice(2, 10);

export async function holdLoad(url: string, headers: Record<string, string>, o: { seconds: number; cityId: string; movieId: string; clients?: number }): Promise<HeldLoad> {
  const operations: Array<[number, () => [string, Record<string, unknown>]]> = [
    [30, () => ['{ movies(first: 20) { id title averageRating } }', {}]],
    [30, () => ['query($id: ID!) { movie(id: $id) { title reviews(first: 10) { rating authorName author { fullName } } screenings { startsAt } } }', { id: o.movieId }]],
    [20, () => ['query($c: ID!) { catalog(cityId: $c) { name premieres { startsAt movieTitle } } }', { c: o.cityId }]],
    [10, () => ['mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email: `load-${tag()}@example.com`, fullName: 'Load Test' } }]],
    [10, () => ['mutation($i: CreateMovieInput!) { createMovie(input: $i) { id } }', { i: { title: `Load ${tag()}`, durationMinutes: 100 } }]],
  ];
  const pick = () => {
    let r = Math.random() * 100;
    for (const [w, op] of operations) if ((r -= w) < 0) return op();
    return operations[0]![1]();
  };
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + o.seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: o.clients ?? 8 }, async () => {
      while (Date.now() < end) {
        const [query, variables] = pick();
        const t0 = performance.now();
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(15_000) });
          const body = (await res.json()) as { errors?: unknown[] };
          if (!res.ok || body.errors?.length) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  const seconds = (Date.now() - started) / 1000;
  return { seconds: Math.round(seconds), requests: latencies.length, errors, perSecond: Math.round(latencies.length / seconds), p50Ms: at(0.5), p99Ms: at(0.99) };
}
