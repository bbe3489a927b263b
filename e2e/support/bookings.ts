import { adminHeaders, bearer, gql, mintToken, must, mustOnceReplicated, type GraphQLResponse } from '@cinema/testing';

/**
 * The booking saga through the gateway, as its callers see it: users with tokens of their own, an
 * admin who grants credits, and polling for what the events bring about (confirmation, refunds).
 */
export const BOOK = 'mutation($i: BookSeatsInput!) { bookSeats(input: $i) { id status seats amount reason } }';
export const BOOKING = 'query($id: ID!) { booking(id: $id) { id status seats amount reason createdAt screening { id seatsLeft } user { id } } }';
export const CANCEL_BOOKING = 'mutation($id: ID!) { cancelBooking(id: $id) { id status reason } }';
const CREDITS = 'query($id: ID!) { user(id: $id) { credits } }';
const GRANT = 'mutation($u: ID!, $a: Int!) { grantCredits(userId: $u, amount: $a, reason: "test") { credits } }';
const SEATS = 'query($c: ID!) { city(id: $c) { cinemas { screenings { id seatsLeft takenSeats } } } }';

export interface Person {
  id: string;
  headers: Record<string, string>;
}

/** A user who signed up through the gateway, with `credits` granted by an admin, and their own token. */
export async function person(url: string, credits: number, tag = Math.random().toString(36).slice(2, 10)): Promise<Person> {
  const { createUser } = await must(url, 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email: `booker-${tag}@example.com`, fullName: `Booker ${tag}` } });
  if (credits > 0) await must(url, GRANT, { u: createUser.id, a: credits });
  return { id: createUser.id, headers: bearer(await mintToken({ sub: createUser.id })) };
}

/** A city, a cinema of `capacity` seats and a screening of a new movie in a week at `price` credits a seat. */
export async function venue(url: string, o: { capacity: number; price: number }) {
  const tag = Math.random().toString(36).slice(2, 8);
  const { createMovie } = await must(url, 'mutation($i: CreateMovieInput!) { createMovie(input: $i) { id } }', { i: { title: `Booked ${tag}`, durationMinutes: 100 } });
  const { createCity } = await must(url, 'mutation($i: CreateCityInput!) { createCity(input: $i) { id } }', { i: { name: `Seatville ${tag}` } });
  const { createCinema } = await must(url, 'mutation($i: CreateCinemaInput!) { createCinema(input: $i) { id capacity } }', { i: { cityId: createCity.id, name: 'Odeon', capacity: o.capacity } });
  const startsAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const { scheduleScreening } = await mustOnceReplicated(url, 'mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id price seatsLeft } }', {
    i: { cinemaId: createCinema.id, movieId: createMovie.id, startsAt, price: o.price },
  });
  return { movieId: createMovie.id as string, cityId: createCity.id as string, screeningId: scheduleScreening.id as string, screening: scheduleScreening };
}

export const book = (url: string, who: Person, screeningId: string, seats: number[]) => gql(url, BOOK, { i: { screeningId, seats } }, who.headers);

export async function creditsOf(url: string, userId: string): Promise<number> {
  return (await must(url, CREDITS, { id: userId })).user.credits;
}

/** The screening's seats as the catalog shows them (through its city: there is no Query.screening). */
export async function seatsOf(url: string, cityId: string, screeningId: string): Promise<{ seatsLeft: number; takenSeats: number[] }> {
  const { city } = await must(url, SEATS, { c: cityId });
  const { seatsLeft, takenSeats } = city.cinemas.flatMap((c: any) => c.screenings).find((s: any) => s.id === screeningId);
  return { seatsLeft, takenSeats };
}

/** Polls `read` until `accept` holds; fails with the last value after `timeoutMs`. */
export async function until<T>(read: () => Promise<T>, accept: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (accept(v)) return v;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The booking as its owner reads it (admin headers when `who` is omitted). */
export async function bookingAs(url: string, id: string, who?: Person): Promise<GraphQLResponse> {
  return gql(url, BOOKING, { id }, who?.headers ?? (await adminHeaders()));
}

export const statusOf = async (url: string, id: string) => (await bookingAs(url, id)).data?.booking?.status as string | undefined;
