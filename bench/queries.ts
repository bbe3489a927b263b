/**
 * The three workloads, the same text for every gateway. Ids come from the data set in use (fixed
 * in-memory data, or what seeding the real subgraphs returned).
 */

/** Small entity lookup: one user from `users`, plus an entity fetch to `movies` for two reviews. */
export const SMALL = /* GraphQL */ `query Small($id: ID!) { user(id: $id) { id fullName reviews(first: 2) { id rating } } }`;

/**
 * Deep federated query shaped like The Guild's benchmark: a list from `movies`, entity fetches to
 * `users` (authors) and `catalog` (screenings, cinemas, cities), and back into `movies` (each
 * author's reviews): all three subgraphs, ~4 levels of entity jumps, a response of tens of KB.
 */
export const DEEP = /* GraphQL */ `query Deep {
  movies(first: 20) {
    id title synopsis durationMinutes genres releaseDate averageRating
    reviews(first: 10) {
      id rating body createdAt authorName
      author { id fullName reviews(first: 2) { id rating movie { id title } } }
    }
    screenings { id startsAt isPremiere movieTitle cinema { id name city { id name } } }
  }
}`;

/**
 * The deep query with a variable: `after` picks where the page of 20 movies starts. The "distinct"
 * workload sends a different `after` on every request (cycling through the in-memory data's 200
 * movies, so no two requests in flight at once agree), and with it a different set of movies,
 * authors and screenings for every subgraph fetch: no deduplication, inbound or outbound, and no
 * cache helps. What is left is each gateway's own work per request.
 */
export const DEEP_DISTINCT = DEEP.replace('query Deep {', 'query DeepDistinct($after: String) {').replace('movies(first: 20)', 'movies(first: 20, after: $after)');

/** The write half of the read/write mix: sign-up is public, so every gateway can send it anonymously. */
export const WRITE = /* GraphQL */ `mutation Write($i: CreateUserInput!) { createUser(input: $i) { id } }`;

export const body = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });

let seq = 0;
/** A unique sign-up each time (e-mails are unique in the real subgraph). */
export const writeBody = (tag: string) => body(WRITE, { i: { email: `bench-${tag}-${++seq}@example.com`, fullName: `Bench User ${seq}` } });
