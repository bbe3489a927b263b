import { ObjectId } from 'mongodb';
import { errorCodes, gql } from '@cinema/testing';
import { startCatalog, type RunningCatalog } from './test-server';

const NOW = new Date('2030-01-01T00:00:00Z');
let c: RunningCatalog;
let cityId: string;
let cinemaId: string;
let premiereId: string;
const movieId = new ObjectId().toHexString();

const CREATE_CITY = 'mutation($i: CreateCityInput!) { createCity(input: $i) { id name } }';
const CREATE_CINEMA = 'mutation($i: CreateCinemaInput!) { createCinema(input: $i) { id name city { id } } }';
const SCHEDULE = 'mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id startsAt isPremiere } }';
const CANCEL = 'mutation($id: ID!) { cancelScreening(id: $id) }';
const CATALOG = `query($c: ID!) { catalog(cityId: $c) {
  id name city { name } premieres { id startsAt isPremiere movie { id } } screenings { id } } }`;

async function schedule(startsAt: string, isPremiere?: boolean) {
  const r = await gql(c.url, SCHEDULE, { i: { cinemaId, movieId, startsAt, isPremiere } });
  expect(r.errors).toBeUndefined();
  return r.data!.scheduleScreening as { id: string; startsAt: string; isPremiere: boolean };
}

beforeAll(async () => {
  c = await startCatalog('catalog_server', NOW);
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
    expect(premiere).toMatchObject({ startsAt: '2030-01-02T20:00:00.000Z', isPremiere: true });
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
        premieres: [{ id: premiereId, startsAt: '2030-01-02T20:00:00.000Z', isPremiere: true, movie: { id: movieId } }],
        screenings: [{ id: premiereId }, { id: regular.id }],
      },
    ]);
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
  });

  it('says an unknown city is unknown instead of answering an empty catalog', async () => {
    const missing = new ObjectId().toHexString();
    const r = await gql(c.url, CATALOG, { c: missing });
    expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.message).toBe(`no city with id ${missing}`);
  });
});
