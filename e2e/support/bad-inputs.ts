/**
 * Bad inputs sent through the gateway. Each must come back as BAD_USER_INPUT and change nothing.
 * `ids` are filled from a seeded graph so that only the bad part differs from a good request.
 */
export interface BadInput {
  name: string;
  query: string;
  variables: (ids: { movieId: string; ann: string; cinemaId: string; cityId: string }) => Record<string, unknown>;
}

const long = (n: number) => 'x'.repeat(n);
const OPERATOR = { $ne: null };

export const BAD_INPUTS: BadInput[] = [
  { name: 'empty fullName', query: 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', variables: () => ({ i: { email: 'e@x.io', fullName: '   ' } }) },
  { name: 'invalid email', query: 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', variables: () => ({ i: { email: 'not-an-email', fullName: 'X' } }) },
  { name: 'oversized fullName', query: 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', variables: () => ({ i: { email: 'big@x.io', fullName: long(201) } }) },
  { name: 'NUL byte in a name', query: 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', variables: () => ({ i: { email: 'nul@x.io', fullName: 'a\u0000b' } }) },
  { name: 'operator object as id', query: 'query($id: ID!) { user(id: $id) { id } }', variables: () => ({ id: OPERATOR }) },
  { name: 'operator string as id', query: 'query($id: ID!) { movie(id: $id) { id } }', variables: () => ({ id: '{"$ne": null}' }) },
  { name: 'malformed id in update', query: 'mutation($id: ID!) { updateUserProfile(id: $id, input: { fullName: "Z" }) { id } }', variables: () => ({ id: 'abc' }) },
  { name: 'rating 0', query: 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', variables: (s) => ({ i: { movieId: s.movieId, authorId: s.ann, rating: 0, body: 'meh' } }) },
  { name: 'rating 6', query: 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', variables: (s) => ({ i: { movieId: s.movieId, authorId: s.ann, rating: 6, body: 'wow' } }) },
  { name: 'empty review body', query: 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', variables: (s) => ({ i: { movieId: s.movieId, authorId: s.ann, rating: 3, body: '' } }) },
  { name: 'unknown movie in a review', query: 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', variables: (s) => ({ i: { movieId: 'ffffffffffffffffffffffff', authorId: s.ann, rating: 3, body: 'ok' } }) },
  { name: 'operator as movieId', query: 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', variables: (s) => ({ i: { movieId: OPERATOR, authorId: s.ann, rating: 3, body: 'ok' } }) },
  { name: 'oversized title', query: 'mutation($i: CreateMovieInput!) { createMovie(input: $i) { id } }', variables: () => ({ i: { title: long(201), durationMinutes: 90 } }) },
  { name: 'zero duration', query: 'mutation($i: CreateMovieInput!) { createMovie(input: $i) { id } }', variables: () => ({ i: { title: 'T', durationMinutes: 0 } }) },
  { name: 'non-ISO release date', query: 'mutation($i: CreateMovieInput!) { createMovie(input: $i) { id } }', variables: () => ({ i: { title: 'T', durationMinutes: 90, releaseDate: '11/11/2016' } }) },
  { name: 'unknown city for a cinema', query: 'mutation($i: CreateCinemaInput!) { createCinema(input: $i) { id } }', variables: () => ({ i: { cityId: 'ffffffffffffffffffffffff', name: 'Nowhere' } }) },
  { name: 'non-ISO screening time', query: 'mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id } }', variables: (s) => ({ i: { cinemaId: s.cinemaId, movieId: s.movieId, startsAt: 'tomorrow at 8' } }) },
  { name: 'unknown cinema for a screening', query: 'mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id } }', variables: (s) => ({ i: { cinemaId: 'ffffffffffffffffffffffff', movieId: s.movieId, startsAt: '2030-01-01T20:00:00Z' } }) },
  { name: 'page size over the limit', query: 'query { users(first: 1000) { id } }', variables: () => ({}) },
  { name: 'malformed page cursor', query: 'query($a: String) { movies(after: $a) { id } }', variables: () => ({ a: '{"$gt": ""}' }) },
];
