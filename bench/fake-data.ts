/**
 * The fixed data set the in-memory subgraphs serve: deterministic (same ids every run, so the
 * gateway's requests, and the subgraphs' canned answers, repeat exactly), sized so that the deep
 * query's response is tens of KB like The Guild's benchmark.
 */
/**
 * 200 movies: the deep query reads the first 20 (the same answer whatever the size); the distinct
 * workload (queries.ts) pages through all of them. Authors of the first 20 movies' reviews are as
 * they always were; later movies get theirs scattered, so every page of 20 has its own order of
 * authors (and with it its own entity fetches).
 */
export const SIZES = { movies: 200, reviewsPerMovie: 10, users: 50, cities: 2, cinemasPerCity: 2, screeningsPerMovie: 5 };

const oid = (kind: number, i: number) => kind.toString(16).padStart(2, '0') + i.toString(16).padStart(22, '0');
const ISO = '2030-01-01T20:00:00.000Z';

export const users = Array.from({ length: SIZES.users }, (_, i) => ({
  id: oid(1, i),
  email: `user${i}@example.com`,
  fullName: `User Number ${i}`,
  createdAt: ISO,
  updatedAt: ISO,
}));

export const movies = Array.from({ length: SIZES.movies }, (_, i) => ({
  id: oid(2, i),
  title: `Movie ${i}: a title of ordinary length`,
  synopsis: `A synopsis of movie ${i}, long enough to look like a real one and to weigh what real text weighs.`,
  durationMinutes: 90 + i,
  genres: ['drama', 'sci-fi', 'thriller'].slice(0, 1 + (i % 3)),
  releaseDate: '2016-11-11',
  deletedAt: null,
}));

export const reviews = movies.flatMap((m, mi) =>
  Array.from({ length: SIZES.reviewsPerMovie }, (_, r) => {
    const author = users[(mi < 20 ? mi * SIZES.reviewsPerMovie + r : mi * 37 + r * 13) % users.length]!;
    return { id: oid(3, mi * 100 + r), movieId: m.id, authorId: author.id, authorName: author.fullName, rating: 1 + ((mi + r) % 5), body: `Review ${r} of movie ${mi}: it was worth the ticket.`, createdAt: ISO };
  }),
);

export const cities = Array.from({ length: SIZES.cities }, (_, i) => ({ id: oid(4, i), name: `City ${i}` }));
export const cinemas = cities.flatMap((c, ci) =>
  Array.from({ length: SIZES.cinemasPerCity }, (_, k) => ({ id: oid(5, ci * 10 + k), cityId: c.id, name: `Cinema ${ci}-${k}` })),
);
export const screenings = movies.flatMap((m, mi) =>
  Array.from({ length: SIZES.screeningsPerMovie }, (_, s) => ({
    id: oid(6, mi * 100 + s),
    movieId: m.id,
    movieTitle: m.title,
    cinemaId: cinemas[(mi + s) % cinemas.length]!.id,
    startsAt: ISO,
    isPremiere: s === 0,
    cancelledAt: null,
  })),
);

export const byId = <T extends { id: string }>(list: T[]) => new Map(list.map((x) => [x.id, x]));
