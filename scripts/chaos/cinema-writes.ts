import type { LoadOp } from './load';
import type { ChaosStack } from './stack';
import { missingFrom, pick, settled, tag, type Made, type Workload } from './workload';

/**
 * Users and movies created, renamed and deleted, screenings scheduled (in `cinemaId`) and reviews
 * added, each remembered in `made` when acknowledged, so a loss of an acknowledged write can be counted.
 */
export function cinemaWrites(cinemaId: string, made: Made): Workload {
  const { users, movies, screenings } = made;
  const acknowledged = { users: new Set<string>(), movies: new Set<string>(), screenings: new Set<string>(), reviews: new Set<string>() };

  const ops: LoadOp[] = [
    { name: 'createUser', weight: 20, async run(call) {
      const d = await call('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email: `chaos-${tag()}@example.com`, fullName: `Chaos ${tag()}` } });
      if (d) users.push({ id: d.createUser.id, at: Date.now() }), acknowledged.users.add(d.createUser.id);
    } },
    { name: 'updateUserProfile', weight: 20, async run(call) {
      const id = pick(users)?.id;
      if (id) await call('mutation($id: ID!, $n: String!) { updateUserProfile(id: $id, input: { fullName: $n }) { id } }', { id, n: `Renamed ${tag()}` });
    } },
    // A delete takes its entity off the list before it is sent: two clients deleting the same one
    // would get one `true` and one acknowledged `false` (no write, no event), and the scenario's
    // "every acknowledged write produced an event" check would count a loss that is not one.
    { name: 'deleteUser', weight: 4, async run(call) {
      const user = users.splice(Math.floor(Math.random() * users.length), 1)[0];
      if (user) await call('mutation($id: ID!) { deleteUser(id: $id) }', { id: user.id });
    } },
    { name: 'createMovie', weight: 15, async run(call) {
      const d = await call('mutation($i: CreateMovieInput!) { createMovie(input: $i) { id } }', { i: { title: `Chaos ${tag()}`, durationMinutes: 90 } });
      if (d) movies.push({ id: d.createMovie.id, at: Date.now() }), acknowledged.movies.add(d.createMovie.id);
    } },
    { name: 'updateMovie', weight: 15, async run(call) {
      const id = pick(movies)?.id;
      if (id) await call('mutation($id: ID!, $t: String!) { updateMovie(id: $id, input: { title: $t }) { id } }', { id, t: `Retitled ${tag()}` });
    } },
    { name: 'deleteMovie', weight: 4, async run(call) {
      const i = movies.findIndex((m) => Date.now() - m.at > 4_000);
      const movie = i < 0 ? undefined : movies.splice(i, 1)[0];
      if (movie) await call('mutation($id: ID!) { deleteMovie(id: $id) }', { id: movie.id });
    } },
    { name: 'scheduleScreening', weight: 12, async run(call) {
      const movieId = pick(settled(movies));
      const startsAt = new Date(Date.now() + (7 + Math.random() * 30) * 86_400_000).toISOString();
      const d = movieId && (await call('mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id } }', { i: { cinemaId, movieId, startsAt } }));
      if (d) acknowledged.screenings.add(d.scheduleScreening.id), screenings.push({ id: d.scheduleScreening.id, at: Date.now() });
    } },
    { name: 'addReview', weight: 10, async run(call) {
      const [movieId, authorId] = [pick(settled(movies)), pick(settled(users))];
      const d = movieId && authorId && (await call('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', { i: { movieId, authorId, rating: 4, body: 'Chaos review' } }));
      if (d) acknowledged.reviews.add(d.addReview.id);
    } },
  ];

  /** Every write the system acknowledged must exist in its source (a reply is a promise). */
  async function missing(stack: ChaosStack): Promise<string[]> {
    const { users: u, movies: m, catalog: c } = stack.databases;
    const found = await Promise.all([
      missingFrom(stack, 'users', u, 'users', acknowledged.users),
      missingFrom(stack, 'movies', m, 'movies', acknowledged.movies),
      missingFrom(stack, 'reviews', m, 'reviews', acknowledged.reviews),
      missingFrom(stack, 'screenings', c, 'screenings', acknowledged.screenings),
    ]);
    return found.flat();
  }
  return { ops, missing };
}
