/**
 * What the graph already holds, by each planned entity's natural key, read through the gateway:
 * users by e-mail (an admin sees every e-mail), movies by title, cities by name, cinemas by city and
 * name, reviews by movie and author, upcoming screenings by cinema, movie and start. These are the
 * API's own queries; the seed needs no database access and no marker of its own.
 */
import type { GatewayClient } from './client';

/** Natural key → id. */
export type Index = Map<string, string>;
type Node = { id: string };

async function query<T>(client: GatewayClient, q: string, variables?: Record<string, unknown>): Promise<T> {
  const answer = await client.request<T>(q, variables);
  if (answer.errors?.length || !answer.data) throw new Error(`reading what exists failed: ${answer.errors?.map((e) => e.message).join('; ')}`);
  return answer.data;
}

/** Every page of a root list that takes `first`/`after` (`after`: the last id of the page before). */
async function everyPage<T extends Node>(client: GatewayClient, field: string, selection: string, size = 100): Promise<T[]> {
  const all: T[] = [];
  for (let after: string | null = null; ; ) {
    const page: T[] = (await query<Record<string, T[]>>(client, `query ($after: String) { ${field}(first: ${size}, after: $after) { id ${selection} } }`, { after }))[field]!;
    all.push(...page);
    if (page.length < size) return all;
    after = page[page.length - 1]!.id;
  }
}

/**
 * A child list of every parent: 20 parents a request, each with its first 100 children (so the
 * owner reads the children of 20 parents in one query, where a request per parent would scan the
 * collection once each on FerretDB, and the estimate stays at 20 × 100 items), then the further
 * pages of a parent whose page was full, through `one(id)`.
 */
async function childrenOf<C extends Node>(client: GatewayClient, list: { parents: string; one: string; children: string; selection: string }): Promise<Map<string, C[]>> {
  const { parents, one, children, selection } = list;
  const all = new Map<string, C[]>();
  /** Parents whose last page was full, with the last child read: there may be more. */
  const more = new Map<string, string>();
  const add = (parent: string, page: C[]) => {
    all.set(parent, [...(all.get(parent) ?? []), ...page]);
    if (page.length === 100) more.set(parent, page[99]!.id);
    else more.delete(parent);
  };
  for (const p of await everyPage<Node & Record<string, C[]>>(client, parents, `${children}(first: 100) { id ${selection} }`, 20)) add(p.id, p[children]!);
  const next = `query ($id: ID!, $after: String) { ${one}(id: $id) { ${children}(first: 100, after: $after) { id ${selection} } } }`;
  while (more.size) {
    const [id, after] = more.entries().next().value!;
    add(id, (await query<Record<string, Record<string, C[]> | null>>(client, next, { id, after }))[one]?.[children] ?? []);
  }
  return all;
}

export const userKey = (email: string) => email.toLowerCase();
export async function existingUsers(client: GatewayClient): Promise<Index> {
  return new Map((await everyPage<Node & { email: string }>(client, 'users', 'email')).map((u) => [userKey(u.email), u.id]));
}

export async function existingMovies(client: GatewayClient): Promise<Index> {
  const index: Index = new Map();
  for (const m of await everyPage<Node & { title: string }>(client, 'movies', 'title')) if (!index.has(m.title)) index.set(m.title, m.id);
  return index;
}

export const reviewKey = (movieId: string, authorId: string) => `${movieId}/${authorId}`;
/** Reviews by movie and author (one review per pair is all the seed writes). */
export async function existingReviews(client: GatewayClient): Promise<Index> {
  const reviews = await childrenOf<Node & { author: Node }>(client, { parents: 'movies', one: 'movie', children: 'reviews', selection: 'author { id }' });
  return new Map([...reviews].flatMap(([movieId, list]) => list.map((r) => [reviewKey(movieId, r.author.id), r.id] as const)));
}

export const cityKey = (name: string) => name.toLowerCase();
export async function existingCities(client: GatewayClient): Promise<Index> {
  return new Map((await everyPage<Node & { name: string }>(client, 'cities', 'name')).map((c) => [cityKey(c.name), c.id]));
}

export const cinemaKey = (cityId: string, name: string) => `${cityId}/${name}`;
export async function existingCinemas(client: GatewayClient): Promise<Index> {
  const cinemas = await childrenOf<Node & { name: string }>(client, { parents: 'cities', one: 'city', children: 'cinemas', selection: 'name' });
  return new Map([...cinemas].flatMap(([cityId, list]) => list.map((c) => [cinemaKey(cityId, c.name), c.id] as const)));
}

export const screeningKey = (cinemaId: string, movieId: string, startsAt: string) => `${cinemaId}/${movieId}/${new Date(startsAt).toISOString()}`;
/** Upcoming screenings (the only ones the API lists), by movie: catalog contributes Movie.screenings. */
export async function existingScreenings(client: GatewayClient): Promise<Index> {
  type Screening = Node & { startsAt: string; cinema: Node };
  const screenings = await childrenOf<Screening>(client, { parents: 'movies', one: 'movie', children: 'screenings', selection: 'startsAt cinema { id }' });
  return new Map([...screenings].flatMap(([movieId, list]) => list.map((s) => [screeningKey(s.cinema.id, movieId, s.startsAt), s.id] as const)));
}
