/**
 * The gateway-only setting: the three subgraphs' real SDL over fixed in-memory data, behind plain
 * node:http servers. Each distinct request body is executed once and its JSON answer kept, so a
 * subgraph costs a hash lookup and a write: what is measured is the gateway, as in The Guild's
 * benchmark. Signatures ARE verified (every gateway under test signs), since HMAC is microseconds.
 *
 * Run as its own process: `node --import tsx bench/fake-subgraphs.ts` with PORT_USERS, PORT_MOVIES,
 * PORT_CATALOG and GATEWAY_SIGNING_SECRET; prints "ready" when all three listen.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, type GraphQLSchema } from 'graphql';
import { IDENTITY_HEADER, NonceCache, signatureProblem, SIGNATURE_HEADER } from '@cinema/serving';
import { byId, cinemas, cities, movies, reviews, screenings, users } from './fake-data';

const sdl = (name: string) => parse(readFileSync(join(__dirname, '..', 'subgraphs', name, 'src', 'schema.graphql'), 'utf8'));
const U = byId(users), M = byId(movies), CI = byId(cities), CN = byId(cinemas), S = byId(screenings);
const page = <T>(list: T[], first?: number) => list.slice(0, first ?? 20);
/** A page of `first` movies after the one with id `after`, wrapping round (the distinct workload pages through all). */
const moviePage = (first = 20, after?: string) => {
  const start = after ? movies.findIndex((m) => m.id === after) + 1 : 0;
  return Array.from({ length: Math.min(first, movies.length) }, (_, i) => movies[(start + i) % movies.length]!);
};
const ref = (typename: string) => (r: { id: string }) => ({ __typename: typename, id: r.id });
let created = 0;

const schemas: Record<string, GraphQLSchema> = {
  users: buildSubgraphSchema({
    typeDefs: sdl('users'),
    resolvers: {
      Query: { user: (_: unknown, { id }: { id: string }) => U.get(id) ?? null, users: (_: unknown, a: { first?: number }) => page(users, a.first) },
      Mutation: { createUser: (_: unknown, { input }: any) => ({ ...users[0], ...input, id: (++created).toString(16).padStart(24, 'f') }) },
      User: { __resolveReference: (r: { id: string }) => U.get(r.id) ?? null },
    } as any,
  }),
  movies: buildSubgraphSchema({
    typeDefs: sdl('movies'),
    resolvers: {
      Query: { movie: (_: unknown, { id }: { id: string }) => M.get(id) ?? null, movies: (_: unknown, a: { first?: number; after?: string }) => moviePage(a.first, a.after) },
      Movie: {
        __resolveReference: (r: { id: string }) => M.get(r.id) ?? null,
        reviews: (m: { id: string }, a: { first?: number }) => page(reviews.filter((r) => r.movieId === m.id), a.first),
        averageRating: (m: { id: string }) => { const rs = reviews.filter((r) => r.movieId === m.id); return rs.reduce((s, r) => s + r.rating, 0) / rs.length; },
      },
      Review: { movie: (r: { movieId: string }) => M.get(r.movieId), author: (r: { authorId: string }) => ({ __typename: 'User', id: r.authorId }) },
      User: {
        __resolveReference: ref('User'),
        reviews: (u: { id: string }, a: { first?: number }) => page(reviews.filter((r) => r.authorId === u.id), a.first),
      },
    } as any,
  }),
  catalog: buildSubgraphSchema({
    typeDefs: sdl('catalog'),
    resolvers: {
      Query: { cities: () => cities, city: (_: unknown, { id }: { id: string }) => CI.get(id) ?? null, catalog: (_: unknown, { cityId }: { cityId: string }) => cinemas.filter((c) => c.cityId === cityId) },
      City: { cinemas: (c: { id: string }) => cinemas.filter((x) => x.cityId === c.id) },
      Cinema: {
        __resolveReference: (r: { id: string }) => CN.get(r.id) ?? null,
        city: (c: { cityId: string }) => CI.get(c.cityId),
        screenings: (c: { id: string }) => screenings.filter((s) => s.cinemaId === c.id),
        premieres: (c: { id: string }) => screenings.filter((s) => s.cinemaId === c.id && s.isPremiere),
      },
      Screening: { __resolveReference: (r: { id: string }) => S.get(r.id) ?? null, cinema: (s: { cinemaId: string }) => CN.get(s.cinemaId), movie: (s: { movieId: string }) => ({ __typename: 'Movie', id: s.movieId }) },
      Movie: { __resolveReference: ref('Movie'), screenings: (m: { id: string }) => screenings.filter((s) => s.movieId === m.id) },
    } as any,
  }),
};

function serve(name: string, schema: GraphQLSchema, secret: string) {
  // Kept encoded: a kept string was encoded again on every write. Under the distinct workload
  // this process then took 28% of a core at 120 req/s, now 23–25% at 135: a quarter less per
  // request, left on core 0 for the load generator and, with two workers, the second worker.
  const answers = new Map<string, Buffer>();
  const nonces = new NonceCache();
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const problem = signatureProblem([secret], name, req.headers[SIGNATURE_HEADER] as string | undefined, (req.headers[IDENTITY_HEADER] as string) ?? '', raw, Date.now(), nonces);
      if (problem) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: `${name}: ${problem}` }] }));
        return;
      }
      const key = raw.toString();
      let answer = answers.get(key);
      if (answer === undefined) {
        const { query, variables } = JSON.parse(key);
        const result = await execute({ schema, document: parse(query), variableValues: variables });
        answer = Buffer.from(JSON.stringify(result));
        // Bounded: the mix's sign-ups are all different and are not kept; the distinct workload's
        // 200 pages cost 4 answers each (a few tens of MB in all).
        if (answers.size < 5_000 && !query.startsWith('mutation')) answers.set(key, answer);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    });
  });
}

const secret = process.env.GATEWAY_SIGNING_SECRET!;
const ports = { users: Number(process.env.PORT_USERS), movies: Number(process.env.PORT_MOVIES), catalog: Number(process.env.PORT_CATALOG) };
Promise.all(
  Object.entries(schemas).map(([name, schema]) => new Promise<void>((r) => serve(name, schema, secret).listen(ports[name as keyof typeof ports], '127.0.0.1', r))),
).then(() => console.log('ready'));
