/**
 * The data set `npm run seed` creates, planned in memory from a seeded generator: the same sizes,
 * seed and start date always give the same entities with the same natural keys (e-mail, title,
 * name, and for reviews and screenings the pair or triple they belong to), which is what lets a
 * second run find what a first one created instead of duplicating it.
 */
import { createRandom, popularity, type Random } from './random';
import * as words from './vocabulary';

export interface Sizes {
  users: number;
  movies: number;
  reviews: number;
  cities: number;
  cinemas: number;
  screenings: number;
}

export interface Plan {
  users: { email: string; fullName: string }[];
  movies: { title: string; durationMinutes: number; genres: string[]; releaseDate: string; synopsis: string }[];
  /** `movie` and `author` index into movies and users; one review per (movie, author). */
  reviews: { movie: number; author: number; rating: number; body: string }[];
  cities: { name: string }[];
  /** `city` indexes cities; names are unique within a city. */
  cinemas: { city: number; name: string }[];
  /** One per (cinema, movie, startsAt); startsAt is ISO-8601 UTC. */
  screenings: { cinema: number; movie: number; startsAt: string; isPremiere: boolean }[];
}

export const DAYS_OF_SCREENINGS = 14;

/** Why these sizes cannot be planned, or undefined when they can. */
export function sizeProblem(s: Sizes): string | undefined {
  for (const [k, v] of Object.entries(s)) if (!Number.isInteger(v) || v < 0 || v > 1_000_000) return `--${k} must be a whole number 0..1000000`;
  if (s.reviews > (s.users * s.movies) / 2) return `--reviews ${s.reviews} is more than half of users × movies (one review per user and movie)`;
  if (s.cities > words.CITIES.length) return `--cities is at most ${words.CITIES.length}`;
  if (s.cinemas > s.cities * words.CINEMA_NAMES.length) return `--cinemas is at most ${words.CINEMA_NAMES.length} per city`;
  if (s.cinemas > 0 && s.cinemas < s.cities) return '--cinemas must be at least --cities (every city has a cinema)';
  const slots = s.cinemas * s.movies * DAYS_OF_SCREENINGS * words.SHOW_TIMES.length;
  if (s.screenings > slots / 2) return `--screenings ${s.screenings} is more than half of the ${slots} (cinema, movie, time) slots`;
  return undefined;
}

export function planSeed(sizes: Sizes, seed: number, start: Date): Plan {
  const problem = sizeProblem(sizes);
  if (problem) throw new Error(problem);
  const r = createRandom(seed);
  const users = Array.from({ length: sizes.users }, (_, i) => {
    const first = r.pick(words.FIRST_NAMES);
    const last = r.pick(words.LAST_NAMES);
    return { email: `${first}.${last}.${i + 1}@seed.example.com`.toLowerCase(), fullName: `${first} ${last}` };
  });
  const movies = planMovies(r, sizes.movies);
  // Films draw attention unevenly: a shuffled popularity rank per movie.
  const byPopularity = r.sample(movies.map((_, i) => i), movies.length);
  const weights = popularity(movies.length);
  const popularMovie = () => byPopularity[r.weighted(weights)]!;
  const quality = movies.map(() => 1.5 + r.next() * 3.3);
  const reviews = uniquely(sizes.reviews, () => {
    const movie = popularMovie();
    const author = r.int(0, users.length - 1);
    const noise = (r.next() + r.next() + r.next() - 1.5) * 1.2;
    const rating = Math.min(5, Math.max(1, Math.round(quality[movie]! + noise)));
    const opening = r.pick(words.REVIEW_OPENINGS[rating as 1 | 2 | 3 | 4 | 5]);
    return { key: `${movie}/${author}`, item: { movie, author, rating, body: `${opening} ${r.pick(words.REVIEW_DETAILS)}` } };
  });
  const cities = r.sample(words.CITIES, sizes.cities).map((name) => ({ name }));
  // Every city gets a cinema; the rest go to cities by size (the first drawn are the largest),
  // each name used once per city.
  const names = cities.map(() => r.sample(words.CINEMA_NAMES, words.CINEMA_NAMES.length));
  const citySizes = popularity(cities.length, 0.7);
  const cinemas = Array.from({ length: sizes.cinemas }, (_, i) => {
    let city = i < cities.length ? i : r.weighted(citySizes);
    while (!names[city]!.length) city = (city + 1) % cities.length;
    return { city, name: names[city]!.pop()! };
  });
  const screenings = uniquely(sizes.screenings, () => {
    const cinema = r.int(0, cinemas.length - 1);
    const movie = popularMovie();
    const [hour, minute] = r.pick(words.SHOW_TIMES);
    const day = r.int(0, DAYS_OF_SCREENINGS - 1);
    const startsAt = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + day, hour, minute)).toISOString();
    return { key: `${cinema}/${movie}/${startsAt}`, item: { cinema, movie, startsAt, isPremiere: r.next() < 0.1 } };
  });
  return { users, movies, reviews, cities, cinemas, screenings };
}

function planMovies(r: Random, count: number): Plan['movies'] {
  const patterns = [
    () => `The ${r.pick(words.ADJECTIVES)} ${r.pick(words.NOUNS)}`,
    () => `${r.pick(words.NOUNS)} of the ${r.pick(words.ADJECTIVES)} ${r.pick(words.NOUNS)}`,
    () => `${r.pick(words.ADJECTIVES)} ${r.pick(words.NOUNS)}`,
    () => `A ${r.pick(words.NOUNS)} in ${r.pick(words.CITIES)}`,
  ];
  const titles = new Set<string>();
  return Array.from({ length: count }, () => {
    let title = r.pick(patterns)();
    // Sequels when the words run out: "The Silent Harbor 2".
    for (let n = 2; titles.has(title); n++) title = `${title.replace(/ \d+$/, '')} ${n}`;
    titles.add(title);
    const year = 2029 - Math.floor(r.next() ** 2 * 65);
    return {
      title,
      durationMinutes: r.int(78, 175),
      genres: r.sample(words.GENRES, r.int(1, 3)),
      releaseDate: `${year}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`,
      synopsis: `${r.pick(words.SYNOPSIS_OPENINGS)} ${r.pick(words.SYNOPSIS_TURNS)}.`,
    };
  });
}

/** `count` items with distinct keys: a drawn duplicate is drawn again (sizes leave room: sizeProblem). */
function uniquely<T>(count: number, draw: () => { key: string; item: T }): T[] {
  const items = new Map<string, T>();
  while (items.size < count) {
    const { key, item } = draw();
    if (!items.has(key)) items.set(key, item);
  }
  return [...items.values()];
}
