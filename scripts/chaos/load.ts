import type { SagaSeed } from './saga-seed';

/**
 * A steady mutation load through the gateway, as an admin: creates, updates and deletes users and
 * movies, schedules screenings, adds reviews, grants credits, books seats for users and cancels
 * bookings (the saga across catalog and users). Bounded by `stop()` and by a timeout on every
 * request. It remembers what the system acknowledged, so a loss of an acknowledged write can be counted.
 */
export interface LoadStats {
  sent: number;
  ok: number;
  /** Refused as the client's mistake (e.g. a movie the catalog replica does not know yet). */
  rejected: number;
  /** Anything else: timeouts, unreachable services, internal errors (expected while a fault lasts). */
  failed: number;
}

type Op = (call: Call) => Promise<void>;
type Call = (query: string, variables: Record<string, unknown>) => Promise<Record<string, any> | undefined>;

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];
const tag = () => Math.random().toString(36).slice(2, 10);

export class MutationLoad {
  readonly stats: LoadStats = { sent: 0, ok: 0, rejected: 0, failed: 0 };
  /** Acknowledged creations by source collection: each must exist at the end. */
  readonly acknowledged = { users: new Set<string>(), movies: new Set<string>(), screenings: new Set<string>(), reviews: new Set<string>(), bookings: new Set<string>() };
  private readonly users: Array<{ id: string; at: number }> = [];
  private readonly movies: Array<{ id: string; at: number }> = [];
  private readonly screenings: Array<{ id: string; at: number }> = [];
  /** Users whose grant was acknowledged (bookings are made for them). */
  private readonly paying: Array<{ id: string; at: number }> = [];
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    private readonly o: { ratePerSecond: number; concurrency: number; cinemaId: string; saga?: SagaSeed },
  ) {
    // Bookings from the first second of the scenario, not only once its own users and screenings settled.
    for (const id of o.saga?.userIds ?? []) this.paying.push({ id, at: 0 });
    for (const id of o.saga?.screeningIds ?? []) this.screenings.push({ id, at: 0 });
  }

  private readonly call: Call = async (query, variables) => {
    this.stats.sent++;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.headers },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await res.json()) as { data?: Record<string, any>; errors?: Array<{ extensions?: { code?: string } }> };
      if (!body.errors?.length && body.data) {
        this.stats.ok++;
        return body.data;
      }
      if (body.errors?.every((e) => e.extensions?.code === 'BAD_USER_INPUT')) this.stats.rejected++;
      else this.stats.failed++;
    } catch {
      this.stats.failed++;
    }
    return undefined;
  };

  // Entities a few seconds old: their events have had time to reach the replicas a write checks.
  private settled = (list: Array<{ id: string; at: number }>) => list.filter((e) => Date.now() - e.at > 2_000).map((e) => e.id);

  private readonly ops: Array<[number, Op]> = [
    [20, async (call) => {
      const d = await call('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email: `chaos-${tag()}@example.com`, fullName: `Chaos ${tag()}` } });
      if (d) this.users.push({ id: d.createUser.id, at: Date.now() }), this.acknowledged.users.add(d.createUser.id);
    }],
    [20, async (call) => {
      const id = pick(this.users)?.id;
      if (id) await call('mutation($id: ID!, $n: String!) { updateUserProfile(id: $id, input: { fullName: $n }) { id } }', { id, n: `Renamed ${tag()}` });
    }],
    // A delete takes its entity off the list before it is sent: two workers deleting the same one
    // would get one `true` and one acknowledged `false` (no write, no event), and the scenario's
    // "every acknowledged write produced an event" check would count a loss that is not one.
    [4, async (call) => {
      const user = this.users.splice(Math.floor(Math.random() * this.users.length), 1)[0];
      if (user) await call('mutation($id: ID!) { deleteUser(id: $id) }', { id: user.id });
    }],
    [15, async (call) => {
      const d = await call('mutation($i: CreateMovieInput!) { createMovie(input: $i) { id } }', { i: { title: `Chaos ${tag()}`, durationMinutes: 90 } });
      if (d) this.movies.push({ id: d.createMovie.id, at: Date.now() }), this.acknowledged.movies.add(d.createMovie.id);
    }],
    [15, async (call) => {
      const id = pick(this.movies)?.id;
      if (id) await call('mutation($id: ID!, $t: String!) { updateMovie(id: $id, input: { title: $t }) { id } }', { id, t: `Retitled ${tag()}` });
    }],
    [4, async (call) => {
      const i = this.movies.findIndex((m) => Date.now() - m.at > 4_000);
      const movie = i < 0 ? undefined : this.movies.splice(i, 1)[0];
      if (movie) await call('mutation($id: ID!) { deleteMovie(id: $id) }', { id: movie.id });
    }],
    [12, async (call) => {
      const movieId = pick(this.settled(this.movies));
      const startsAt = new Date(Date.now() + (7 + Math.random() * 30) * 86_400_000).toISOString();
      const d = movieId && (await call('mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id } }', { i: { cinemaId: this.o.cinemaId, movieId, startsAt } }));
      if (d) this.acknowledged.screenings.add(d.scheduleScreening.id), this.screenings.push({ id: d.scheduleScreening.id, at: Date.now() });
    }],
    [6, async (call) => {
      const userId = pick(this.settled(this.users));
      const d = userId && (await call('mutation($u: ID!) { grantCredits(userId: $u, amount: 40, reason: "chaos") { id } }', { u: userId }));
      if (d) this.paying.push({ id: userId, at: Date.now() });
    }],
    // Seats picked at random among 100: some are taken (refused, BAD_USER_INPUT), some users run out
    // of credits (REJECTED), some bookings expire under a fault: every path of the saga runs.
    [30, async (call) => {
      const [userId, screeningId] = [pick(this.paying)?.id, pick(this.screenings)?.id];
      const seats = [...new Set([1 + Math.floor(Math.random() * 100), 1 + Math.floor(Math.random() * 100)])];
      const d = userId && screeningId && (await call('mutation($i: BookSeatsInput!) { bookSeats(input: $i) { id } }', { i: { screeningId, seats, userId } }));
      if (d) this.acknowledged.bookings.add(d.bookSeats.id);
    }],
    [6, async (call) => {
      const id = pick([...this.acknowledged.bookings]);
      if (id) await call('mutation($id: ID!) { cancelBooking(id: $id) { id } }', { id });
    }],
    [10, async (call) => {
      const [movieId, authorId] = [pick(this.settled(this.movies)), pick(this.settled(this.users))];
      const d = movieId && authorId && (await call('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', { i: { movieId, authorId, rating: 4, body: 'Chaos review' } }));
      if (d) this.acknowledged.reviews.add(d.addReview.id);
    }],
  ];

  private next(): Op {
    const total = this.ops.reduce((n, [w]) => n + w, 0);
    let r = Math.random() * total;
    for (const [w, op] of this.ops) if ((r -= w) < 0) return op;
    return this.ops[0]![1];
  }

  start(): void {
    this.running = true;
    const interval = (1000 * this.o.concurrency) / this.o.ratePerSecond;
    this.loops = Array.from({ length: this.o.concurrency }, async () => {
      while (this.running) {
        const started = Date.now();
        await this.next()(this.call);
        await new Promise((r) => setTimeout(r, Math.max(0, interval - (Date.now() - started))));
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}
