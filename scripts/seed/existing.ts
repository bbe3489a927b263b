/**
 * What the graph already holds, by each planned entity's natural key, read through the gateway:
 * users by e-mail (an admin sees every e-mail), movies by title, cities by name, cinemas by city and
 * name, reviews by movie and author, upcoming screenings by cinema, movie and start. These are the
 * API's own queries; the seed needs no database access and no marker of its own.
 */
import type { GatewayClient } from './client';

/** Natural key → id. */
export type Index = Map<string, string>;

async function query<T>(client: GatewayClient, q: string, variables?: Record<string, unknown>): Promise<T> {
  const answer = await client.request<T>(q, variables);
  if (answer.errors?.length || !answer.data) throw new Error(`reading what exists failed: ${answer.errors?.map((e) => e.message).join('; ')}`);
  return answer.data;
}

/** Every page of a list query that takes `first`/`after` (ids in creation order). */
async function everyPage<T extends { id: string }>(client: GatewayClient, field: 'users' | 'movies', selection: string): Promise<T[]> {
  const all: T[] = [];
  for (let after: string | null = null; ; ) {
    const page: T[] = (await query<Record<string, T[]>>(client, `query ($after: String) { ${field}(first: 100, after: $after) { id ${selection} } }`, { after }))[field]!;
    all.push(...page);
    if (page.length < 100) return all;
    after = page[page.length - 1]!.id;
  }
}

export const userKey = (email: string) => email.toLowerCase();
export async function existingUsers(client: GatewayClient): Promise<Index> {
  return new Map((await everyPage<{ id: string; email: string }>(client, 'users', 'email')).map((u) => [userKey(u.email), u.id]));
}

export async function existingMovies(client: GatewayClient): Promise<Index> {
  const index: Index = new Map();
  for (const m of await everyPage<{ id: string; title: string }>(client, 'movies', 'title')) if (!index.has(m.title)) index.set(m.title, m.id);
  return index;
}

export const reviewKey = (movieId: string, authorId: string) => `${movieId}/${authorId}`;
/**
 * Reviews of the given movies, keyed by movie and author (one review per pair is all the seed
 * writes). Through `movies`, a page of movies at a time: movies batches the reviews of one page
 * into one query, where a query per movie would scan the reviews once each on FerretDB.
 */
export async function existingReviews(client: GatewayClient, movieIds: string[]): Promise<Index> {
  type Page = { id: string; author: { id: string } }[];
  const wanted = new Set(movieIds);
  const index: Index = new Map();
  /** Movies whose page of reviews was full, with the last review read: there may be more. */
  const more = new Map<string, string>();
  const add = (movieId: string, page: Page) => {
    for (const r of page) index.set(reviewKey(movieId, r.author.id), r.id);
    if (page.length === 100) more.set(movieId, page[99]!.id);
    else more.delete(movieId);
  };
  const PAGE = 'query ($after: String) { movies(first: 20, after: $after) { id reviews(first: 100) { id author { id } } } }';
  for (let after: string | null = null; ; ) {
    const movies: { id: string; reviews: Page }[] = (await query<{ movies: { id: string; reviews: Page }[] }>(client, PAGE, { after })).movies;
    for (const m of movies) if (wanted.has(m.id)) add(m.id, m.reviews);
    if (movies.length < 20) break;
    after = movies[movies.length - 1]!.id;
  }
  // The few popular movies with more than a page: the rest of their pages, one movie at a time.
  const NEXT = 'query ($id: ID!, $after: String) { movie(id: $id) { reviews(first: 100, after: $after) { id author { id } } } }';
  while (more.size) {
    const [id, after] = more.entries().next().value!;
    add(id, (await query<{ movie: { reviews: Page } | null }>(client, NEXT, { id, after })).movie?.reviews ?? []);
  }
  return index;
}

export const cityKey = (name: string) => name.toLowerCase();
export const cinemaKey = (cityId: string, name: string) => `${cityId}/${name}`;
export const screeningKey = (cinemaId: string, movieId: string, startsAt: string) => `${cinemaId}/${movieId}/${new Date(startsAt).toISOString()}`;

/** Cities by name, cinemas by city and name, and their upcoming screenings, in one read. */
export async function existingCatalog(client: GatewayClient): Promise<{ cities: Index; cinemas: Index; screenings: Index }> {
  type Cinema = { id: string; name: string; screenings: { id: string; startsAt: string; movie: { id: string } }[] };
  const data = await query<{ cities: { id: string; name: string; cinemas: Cinema[] }[] }>(
    client,
    '{ cities { id name cinemas { id name screenings { id startsAt movie { id } } } } }',
  );
  const cities: Index = new Map();
  const cinemas: Index = new Map();
  const screenings: Index = new Map();
  for (const city of data.cities) {
    cities.set(cityKey(city.name), city.id);
    for (const cinema of city.cinemas) {
      cinemas.set(cinemaKey(city.id, cinema.name), cinema.id);
      for (const s of cinema.screenings) screenings.set(screeningKey(cinema.id, s.movie.id, s.startsAt), s.id);
    }
  }
  return { cities, cinemas, screenings };
}
