import { ObjectId } from 'mongodb';
import { errorCodes, gatewayGqlFor } from '@cinema/testing';
import { movieDeleted, movieUpdated } from './test-events';
import { startCatalog, type RunningCatalog } from './test-server';

const gql = gatewayGqlFor('catalog');

const NOW = new Date('2030-01-01T00:00:00Z');
let c: RunningCatalog;
let cityId: string;
let cinemaId: string;
let premiereId: string;
let movieId: string;

const CREATE_CITY = 'mutation($i: CreateCityInput!) { createCity(input: $i) { id name } }';
const CREATE_CINEMA = 'mutation($i: CreateCinemaInput!) { createCinema(input: $i) { id name city { id } } }';
const SCHEDULE = 'mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id startsAt isPremiere movieTitle cancelledAt } }';
const CANCEL = 'mutation($id: ID!) { cancelScreening(id: $id) }';
const CATALOG = `query($c: ID!) { catalog(cityId: $c) {
  id name city { name } premieres { id startsAt isPremiere movie { id } movieTitle } screenings { id } } }`;
const SCREENING = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Screening { movieTitle } } }`;

type Scheduled = { id: string; startsAt: string; isPremiere: boolean; movieTitle: string; cancelledAt: string | null };
async function schedule(startsAt: string, isPremiere?: boolean, movie = movieId, headers?: Record<string, string>) {
  const r = await gql(c.url, SCHEDULE, { i: { cinemaId, movieId: movie, startsAt, isPremiere } }, headers);
  expect(r.errors).toBeUndefined();
  return r.data!.scheduleScreening as Scheduled;
}
const titleOf = async (screeningId: string) =>
  (await gql(c.url, SCREENING, { r: [{ __typename: 'Screening', id: screeningId }] })).data!._entities[0].movieTitle;

beforeAll(async () => {
  c = await startCatalog('catalog_server', NOW);
  // The replica must know a movie before it can be scheduled: seeded as movies' events would.
  movieId = await c.seedMovie('Dune');
});
afterAll(() => c.stop());

describe('catalog subgraph over HTTP', () => {
  it('answers catalog(cityId) with the city’s cinemas and only their upcoming premieres', async () => {
    cityId = (await gql(c.url, CREATE_CITY, { i: { name: ' Berlin ' } })).data!.createCity.id;
    const cinema = await gql(c.url, CREATE_CINEMA, { i: { cityId, name: 'Zoo Palast' } });
    expect(cinema.data!.createCinema).toMatchObject({ name: 'Zoo Palast', city: { id: cityId } });
    cinemaId = cinema.data!.createCinema.id;
    await gql(c.url, CREATE_CINEMA, { i: { cityId, name: 'Astor' } });

    const premiere = await schedule('2030-01-02T21:00:00+01:00', true);
    expect(premiere).toMatchObject({ startsAt: '2030-01-02T20:00:00.000Z', isPremiere: true, movieTitle: 'Dune', cancelledAt: null });
    premiereId = premiere.id;
    const regular = await schedule('2030-01-03T20:00:00Z');
    expect(regular.isPremiere).toBe(false);
    await schedule('2029-12-31T20:00:00Z', true); // already over at NOW

    const r = await gql(c.url, CATALOG, { c: cityId });
    expect(r.errors).toBeUndefined();
    expect(r.data!.catalog).toEqual([
      { id: expect.any(String), name: 'Astor', city: { name: 'Berlin' }, premieres: [], screenings: [] },
      {
        id: cinemaId,
        name: 'Zoo Palast',
        city: { name: 'Berlin' },
        premieres: [{ id: premiereId, startsAt: '2030-01-02T20:00:00.000Z', isPremiere: true, movie: { id: movieId }, movieTitle: 'Dune' }],
        screenings: [{ id: premiereId }, { id: regular.id }],
      },
    ]);
  });

  it('shows each premiere with the title a later movie.updated gives the replica, read from the replica only', async () => {
    await c.applyMovieEvent(movieUpdated(movieId, 'Dune: Part One', 2));
    const r = await gql(c.url, CATALOG, { c: cityId });
    const zoo = r.data!.catalog.find((x: { id: string }) => x.id === cinemaId);
    expect(zoo.premieres.map((p: { movieTitle: string }) => p.movieTitle)).toEqual(['Dune: Part One']);
    expect(await titleOf(premiereId)).toBe('Dune: Part One');

    // An older event arriving late changes nothing (the replica's version guard).
    await c.applyMovieEvent(movieUpdated(movieId, 'Dune (old)', 1));
    expect(await titleOf(premiereId)).toBe('Dune: Part One');
  });

  it('keeps a deleted movie’s last title and says "Unknown movie" for one the replica does not know yet', async () => {
    const heat = await c.seedMovie('Heat');
    const past = await schedule('2029-12-30T20:00:00Z', false, heat); // past screenings stay as history
    await c.applyMovieEvent(movieDeleted(heat, 2));
    expect(await titleOf(past.id)).toBe('Heat');

    const stranger = await c.server.screenings.schedule(
      { cinemaId: new ObjectId(cinemaId), movieId: new ObjectId(), startsAt: new Date('2030-03-01T20:00:00Z'), isPremiere: false },
      { correlationId: 'test' },
    );
    expect(await titleOf(stranger._id.toHexString())).toBe('Unknown movie');
  });

  it('records each mutation’s event with the request id as its correlation id', async () => {
    const s = await schedule('2030-02-01T20:00:00Z', false, movieId, { 'x-request-id': 'req-schedule' });
    await gql(c.url, CANCEL, { id: s.id }, { 'x-request-id': 'req-cancel' });
    const stored = await c.server.screenings.screenings.findOne({ _id: new ObjectId(s.id) });
    expect(stored!.outbox!.map((e) => [e.type, e.aggregateVersion, e.correlationId, e.causationId])).toEqual([
      ['screening.scheduled', 1, 'req-schedule', null],
      ['screening.cancelled', 2, 'req-cancel', null],
    ]);
    expect(stored!.outbox![1]!.data).toMatchObject({ id: s.id, movieId, reason: 'cancelled' });
  });

  it('cancels a screening whose movie was deleted while it was being scheduled', async () => {
    const alien = await c.seedMovie('Alien');
    const repo = c.server.screenings;
    const insert = repo.schedule.bind(repo);
    // The race: movie.deleted is applied after the resolver checked the replica, before its insert,
    // so the deletion's own cancellation pass cannot see the new screening.
    const spy = jest.spyOn(repo, 'schedule').mockImplementationOnce(async (input, cause) => {
      await c.applyMovieEvent(movieDeleted(alien, 2));
      return insert(input, cause);
    });
    try {
      const s = await schedule('2030-02-02T20:00:00Z', true, alien);
      expect(s).toMatchObject({ movieTitle: 'Alien', cancelledAt: NOW.toISOString() });
      const stored = await repo.screenings.findOne({ _id: new ObjectId(s.id) });
      expect(stored!.outbox!.map((e) => [e.type, (e.data as { reason?: string }).reason])).toEqual([
        ['screening.scheduled', undefined],
        ['screening.cancelled', 'movie-deleted'],
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it('lists cities with their cinemas and finds a city by id; a missing city is null', async () => {
    await gql(c.url, CREATE_CITY, { i: { name: 'amsterdam' } });
    const r = await gql(c.url, '{ cities { name cinemas { name } } }');
    expect(r.data!.cities).toEqual([
      { name: 'amsterdam', cinemas: [] },
      { name: 'Berlin', cinemas: [{ name: 'Astor' }, { name: 'Zoo Palast' }] },
    ]);
    const one = await gql(c.url, 'query($id: ID!) { city(id: $id) { name } }', { id: cityId });
    expect(one.data!.city).toEqual({ name: 'Berlin' });
    const none = await gql(c.url, 'query($id: ID!) { city(id: $id) { name } }', { id: new ObjectId().toHexString() });
    expect(none).toMatchObject({ data: { city: null } });
    expect(none.errors).toBeUndefined();
  });

  it('cancels a screening once and drops it from every list', async () => {
    expect((await gql(c.url, CANCEL, { id: premiereId })).data).toEqual({ cancelScreening: true });
    expect((await gql(c.url, CANCEL, { id: premiereId })).data).toEqual({ cancelScreening: false });
    expect((await gql(c.url, CANCEL, { id: new ObjectId().toHexString() })).data).toEqual({ cancelScreening: false });
    const r = await gql(c.url, CATALOG, { c: cityId });
    const zoo = r.data!.catalog.find((x: { id: string }) => x.id === cinemaId);
    expect(zoo.premieres).toEqual([]);
    expect(zoo.screenings.map((s: { id: string }) => s.id)).not.toContain(premiereId);
    // Still found by id (what screeningScheduled's payloads are asked of), cancelled, with its cinema's city.
    const byId = await gql(c.url, 'query($id: ID!) { screening(id: $id) { id cancelledAt cinema { id city { id } } } }', { id: premiereId });
    expect(byId.data!.screening).toMatchObject({ id: premiereId, cinema: { id: cinemaId, city: { id: cityId } } });
    expect(byId.data!.screening.cancelledAt).not.toBeNull();
    expect((await gql(c.url, 'query($id: ID!) { screening(id: $id) { id } }', { id: new ObjectId().toHexString() })).data).toEqual({ screening: null });
    expect(errorCodes(await gql(c.url, 'query { screening(id: "nope") { id } }'))).toEqual(['BAD_USER_INPUT']);
  });

  it('says an unknown city is unknown instead of answering an empty catalog', async () => {
    const missing = new ObjectId().toHexString();
    const r = await gql(c.url, CATALOG, { c: missing });
    expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.message).toBe(`no city with id ${missing}`);
  });
});
