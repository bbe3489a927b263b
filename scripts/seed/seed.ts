/**
 * Creates a planned data set through the gateway, phase by phase in dependency order: users and
 * movies, then cities and cinemas (which gives the events of the first two time to reach the
 * replicas that reviews and screenings are checked against), then reviews and screenings.
 */
import type { GatewayClient } from './client';
import { cinemaKey, cityKey, existingCinemas, existingCities, existingMovies, existingReviews, existingScreenings, existingUsers, reviewKey, screeningKey, userKey } from './existing';
import { runPhase, type PhaseResult, type PhaseSpec } from './phase';
import type { Plan } from './plan';
import type { Progress } from './progress';

export interface SeedOptions {
  batch: number;
  concurrency: number;
  progress: Progress;
}

export async function seed(client: GatewayClient, plan: Plan, o: SeedOptions): Promise<PhaseResult[]> {
  const results: PhaseResult[] = [];
  const run = async (spec: PhaseSpec) => {
    o.progress.phase(spec.name, spec.items.length);
    const result = await runPhase(client, spec, { batch: o.batch, concurrency: o.concurrency, onProgress: o.progress.update });
    results.push(result);
    return result.index;
  };
  const id = (index: Map<string, string>, key: string) => index.get(key)!;

  const users = await run({
    name: 'users', field: 'createUser', inputType: 'CreateUserInput',
    items: plan.users.map((u) => ({ key: userKey(u.email), input: u })),
    existing: () => existingUsers(client),
  });
  const movies = await run({
    name: 'movies', field: 'createMovie', inputType: 'CreateMovieInput',
    items: plan.movies.map((m) => ({ key: m.title, input: m })),
    existing: () => existingMovies(client),
  });
  const userId = (i: number) => id(users, userKey(plan.users[i]!.email));
  const movieId = (i: number) => id(movies, plan.movies[i]!.title);
  const cities = await run({
    name: 'cities', field: 'createCity', inputType: 'CreateCityInput',
    items: plan.cities.map((c) => ({ key: cityKey(c.name), input: c })),
    existing: () => existingCities(client),
  });
  const cityId = (i: number) => id(cities, cityKey(plan.cities[i]!.name));
  const cinemas = await run({
    name: 'cinemas', field: 'createCinema', inputType: 'CreateCinemaInput',
    items: plan.cinemas.map((c) => ({ key: cinemaKey(cityId(c.city), c.name), input: { cityId: cityId(c.city), name: c.name } })),
    existing: () => existingCinemas(client),
  });
  await run({
    name: 'reviews', field: 'addReview', inputType: 'AddReviewInput',
    items: plan.reviews.map((r) => ({
      key: reviewKey(movieId(r.movie), userId(r.author)),
      input: { movieId: movieId(r.movie), authorId: userId(r.author), rating: r.rating, body: r.body },
    })),
    existing: () => existingReviews(client),
    // movies' replica of users may not have a user created a moment ago yet.
    lagging: /unknown or deleted/,
  });
  const cinemaId = (i: number) => id(cinemas, cinemaKey(cityId(plan.cinemas[i]!.city), plan.cinemas[i]!.name));
  await run({
    name: 'screenings', field: 'scheduleScreening', inputType: 'ScheduleScreeningInput',
    items: plan.screenings.map((s) => ({
      key: screeningKey(cinemaId(s.cinema), movieId(s.movie), s.startsAt),
      input: { cinemaId: cinemaId(s.cinema), movieId: movieId(s.movie), startsAt: s.startsAt, isPremiere: s.isPremiere },
    })),
    existing: () => existingScreenings(client),
    // catalog's replica of movies may not have a movie created a moment ago yet.
    lagging: /is unknown to the catalog/,
  });
  o.progress.stop();
  return results;
}
