import { ObjectId } from 'mongodb';
import { errorCodes, gatewayGqlFor } from '@cinema/testing';
import { movieDeleted } from './test-events';
import { startCatalog, type RunningCatalog } from './test-server';

const gql = gatewayGqlFor('catalog');

let c: RunningCatalog;
let cityId: string;
let cinemaId: string;
const unknownId = new ObjectId().toHexString();
let movieId: string;
let deletedMovieId: string;
let screeningId: string;
const OPERATOR = '{"$ne": null}';

const CREATE_CITY = 'mutation($i: CreateCityInput!) { createCity(input: $i) { id } }';
const CREATE_CINEMA = 'mutation($i: CreateCinemaInput!) { createCinema(input: $i) { id } }';
const SCHEDULE = 'mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id } }';
const CANCEL = 'mutation($id: ID!) { cancelScreening(id: $id) }';
const BOOK = 'mutation($i: BookSeatsInput!) { bookSeats(input: $i) { id } }';
const CANCEL_BOOKING = 'mutation($id: ID!) { cancelBooking(id: $id) { id } }';
const CATALOG = 'query($c: ID!) { catalog(cityId: $c) { id } }';
const CITY = 'query($id: ID!) { city(id: $id) { id } }';

beforeAll(async () => {
  c = await startCatalog('catalog_bad_input', new Date('2030-01-01T00:00:00Z'));
  cityId = (await gql(c.url, CREATE_CITY, { i: { name: 'Berlin' } })).data!.createCity.id;
  cinemaId = (await gql(c.url, CREATE_CINEMA, { i: { cityId, name: 'Astor' } })).data!.createCinema.id;
  // A movie the replica knows, so each case below is wrong in exactly one way; and one it knows as deleted.
  movieId = await c.seedMovie('Dune');
  deletedMovieId = await c.seedMovie('Heat');
  await c.applyMovieEvent(movieDeleted(deletedMovieId, 2));
  const s = await gql(c.url, SCHEDULE, { i: { cinemaId, movieId, startsAt: '2030-02-01T20:00:00Z' } });
  screeningId = s.data!.scheduleScreening.id;
  // Seat 1 taken, so a booking of it is refused for that reason alone.
  await gql(c.url, BOOK, { i: { screeningId, seats: [1] } });
});
afterAll(() => c.stop());

// Placeholders, because the cases are listed before beforeAll has created what they refer to.
const screening = (overrides: Record<string, unknown>) => ({
  i: { cinemaId: '__cinema__', movieId: '__movie__', startsAt: '2030-02-01T20:00:00Z', ...overrides },
});

// Each case is one request that must be refused as the client's mistake, with nothing written.
const cases: Array<[string, string, Record<string, unknown>]> = [
  ['an empty city name', CREATE_CITY, { i: { name: '' } }],
  ['a blank city name', CREATE_CITY, { i: { name: '   ' } }],
  ['an oversized city name', CREATE_CITY, { i: { name: 'x'.repeat(101) } }],
  ['a city name with a NUL byte', CREATE_CITY, { i: { name: 'Ber\u0000lin' } }],
  ['an existing city name in another case', CREATE_CITY, { i: { name: 'BERLIN' } }],
  ['a cinema in an unknown city', CREATE_CINEMA, { i: { cityId: unknownId, name: 'Odeon' } }],
  ['a malformed city id', CREATE_CINEMA, { i: { cityId: 'abc', name: 'Odeon' } }],
  ['an operator string as city id', CREATE_CINEMA, { i: { cityId: OPERATOR, name: 'Odeon' } }],
  ['an operator object as city id', CREATE_CINEMA, { i: { cityId: { $ne: null }, name: 'Odeon' } }],
  ['an empty cinema name', CREATE_CINEMA, { i: { cityId: '__city__', name: '' } }],
  ['a screening at an unknown cinema', SCHEDULE, screening({ cinemaId: unknownId })],
  ['a malformed cinema id', SCHEDULE, screening({ cinemaId: OPERATOR })],
  ['an operator object as cinema id', SCHEDULE, screening({ cinemaId: { $ne: null } })],
  ['a malformed movie id', SCHEDULE, screening({ movieId: OPERATOR })],
  ['a movie the replica does not know', SCHEDULE, screening({ movieId: unknownId })],
  ['a movie the replica knows as deleted', SCHEDULE, screening({ movieId: '__deleted_movie__' })],
  ['a start of "tomorrow"', SCHEDULE, screening({ startsAt: 'tomorrow' })],
  ['a start in month 13', SCHEDULE, screening({ startsAt: '2030-13-01' })],
  ['a start without T and offset', SCHEDULE, screening({ startsAt: '2030-01-01 20:00' })],
  ['an operator object as start', SCHEDULE, screening({ startsAt: { $gt: '' } })],
  ['cancelling a malformed id', CANCEL, { id: OPERATOR }],
  ['cancelling an operator object', CANCEL, { id: { $ne: null } }],
  ['a catalog of a malformed city id', CATALOG, { c: OPERATOR }],
  ['a catalog of an operator object', CATALOG, { c: { $ne: null } }],
  ['a catalog of an unknown city', CATALOG, { c: unknownId }],
  ['a city by malformed id', CITY, { id: 'abc' }],
  ['a cinema of no seats', CREATE_CINEMA, { i: { cityId: '__city__', name: 'Tiny', capacity: 0 } }],
  ['a cinema of 5001 seats', CREATE_CINEMA, { i: { cityId: '__city__', name: 'Huge', capacity: 5001 } }],
  ['a negative price', SCHEDULE, screening({ price: -1 })],
  ['a fractional price', SCHEDULE, screening({ price: 1.5 })],
  ['a booking of no seat', BOOK, { i: { screeningId: '__screening__', seats: [] } }],
  ['a booking of seat 0', BOOK, { i: { screeningId: '__screening__', seats: [0] } }],
  ['a booking of a seat beyond the capacity', BOOK, { i: { screeningId: '__screening__', seats: [2, 101] } }],
  ['a booking of a seat twice', BOOK, { i: { screeningId: '__screening__', seats: [2, 2] } }],
  ['a booking of eleven seats', BOOK, { i: { screeningId: '__screening__', seats: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] } }],
  ['a booking of a taken seat', BOOK, { i: { screeningId: '__screening__', seats: [2, 1] } }],
  ['a booking at an unknown screening', BOOK, { i: { screeningId: unknownId, seats: [2] } }],
  ['a booking at an operator object', BOOK, { i: { screeningId: { $ne: null }, seats: [2] } }],
  ['a booking for a malformed user', BOOK, { i: { screeningId: '__screening__', seats: [2], userId: OPERATOR } }],
  ['cancelling no booking', CANCEL_BOOKING, { id: unknownId }],
  ['cancelling a malformed booking id', CANCEL_BOOKING, { id: OPERATOR }],
];

describe('bad input is BAD_USER_INPUT and writes nothing', () => {
  it.each(cases)('%s', async (_, query, variables) => {
    const vars = JSON.parse(
      JSON.stringify(variables)
        .replace('__city__', cityId)
        .replace('__cinema__', cinemaId)
        .replace('__deleted_movie__', deletedMovieId)
        .replace('__screening__', screeningId)
        .replace('__movie__', movieId),
    );
    const before = await c.countAll();
    const r = await gql(c.url, query, vars);
    // graphql-js may report one error per bad variable field, all of them BAD_USER_INPUT.
    expect(errorCodes(r).length).toBeGreaterThan(0);
    expect(new Set(errorCodes(r))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(r.data?.createCity ?? r.data?.createCinema ?? r.data?.scheduleScreening ?? r.data?.bookSeats ?? r.data?.cancelBooking ?? null).toBeNull();
    expect(await c.countAll()).toEqual(before);
  });

  it('names the offending field', async () => {
    const r = await gql(c.url, CREATE_CINEMA, { i: { cityId: unknownId, name: 'Odeon' } });
    expect(r.errors![0]).toMatchObject({
      message: `no city with id ${unknownId}`,
      extensions: { code: 'BAD_USER_INPUT', field: 'input.cityId' },
    });
    const s = await gql(c.url, SCHEDULE, { i: { cinemaId: unknownId, movieId, startsAt: '2030-02-01T20:00:00Z' } });
    expect(s.errors![0]!.extensions).toMatchObject({ field: 'input.cinemaId' });
    for (const [movie, message] of [
      [unknownId, `movie ${unknownId} is unknown to the catalog`],
      [deletedMovieId, `movie ${deletedMovieId} has been deleted`],
    ]) {
      const m = await gql(c.url, SCHEDULE, { i: { cinemaId, movieId: movie, startsAt: '2030-02-01T20:00:00Z' } });
      expect(m.errors![0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT', field: 'input.movieId' } });
    }
  });

  it('refuses an operator object before any resolver runs', async () => {
    const r = await gql(c.url, SCHEDULE, { i: { cinemaId, movieId, startsAt: { $gt: '' } } });
    expect(r.status).toBe(400);
    expect(r.errors!.map((e) => e.message).join('\n')).toContain('String cannot represent a non string value');
  });
});
