import { ObjectId } from 'mongodb';
import { gatewayGqlFor } from '@cinema/testing';
import { startCatalog, type RunningCatalog } from './test-server';

const gql = gatewayGqlFor('catalog');

const request = { correlationId: 'test-request' };

const NOW = new Date('2030-01-01T00:00:00Z');
const at = (day: number) => new Date(Date.UTC(2030, 0, day, 20)).toISOString();
let c: RunningCatalog;
const cinemaIds: string[] = [];
const movieIds: string[] = [];
let cancelledId: string;

const CINEMAS = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Cinema { id name city { name } premieres { id } } } }`;
const MOVIES = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Movie { id screenings { id startsAt cinema { name } } } } }`;
const SCREENINGS = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Screening { id cancelledAt cinema { id } movie { id } movieTitle } } }`;

const refs = (typename: string, ids: string[]) => ids.map((id) => ({ __typename: typename, id }));

/** Runs one `_entities` fetch the way the gateway would and counts the database commands it cost. */
async function commandsFor(query: string, representations: unknown[]) {
  c.t.resetCommands();
  const r = await gql(c.url, query, { r: representations });
  expect(r.errors).toBeUndefined();
  expect(r.data!._entities).toHaveLength(representations.length);
  return [...c.t.commands];
}

beforeAll(async () => {
  c = await startCatalog('catalog_entities', NOW);
  const city = await c.server.cities.create({ name: 'Berlin' });
  for (let i = 0; i < 10; i++) {
    const cinema = await c.server.cinemas.create({ cityId: city._id, name: `Kino ${i}` });
    const movieId = new ObjectId(await c.seedMovie(`Movie ${i}`));
    await c.server.screenings.schedule({ cinemaId: cinema._id, movieId, startsAt: new Date(at(2 + i)), isPremiere: true }, request);
    await c.server.screenings.schedule({ cinemaId: cinema._id, movieId, startsAt: new Date(at(20)), isPremiere: false }, request);
    cinemaIds.push(cinema._id.toHexString());
    movieIds.push(movieId.toHexString());
  }
  const cancelled = await c.server.screenings.schedule({
    cinemaId: new ObjectId(cinemaIds[0]), movieId: new ObjectId(movieIds[0]), startsAt: new Date(at(3)), isPremiere: true,
  }, request);
  await c.server.screenings.cancel(cancelled._id, 'cancelled', request);
  cancelledId = cancelled._id.toHexString();
});
afterAll(() => c.stop());

describe('federation entities', () => {
  it('resolves Cinema references with a constant number of queries', async () => {
    const two = await commandsFor(CINEMAS, refs('Cinema', cinemaIds.slice(0, 2)));
    const ten = await commandsFor(CINEMAS, refs('Cinema', cinemaIds));
    expect(ten).toEqual(two);
    expect(ten).toEqual(['find', 'find', 'find']); // cinemas, then cities and premieres
  });

  it('returns each cinema with its city and upcoming premieres, and null for an unknown id', async () => {
    const r = await gql(c.url, CINEMAS, { r: refs('Cinema', [cinemaIds[3]!, new ObjectId().toHexString(), 'junk']) });
    expect(r.data!._entities).toEqual([
      { id: cinemaIds[3], name: 'Kino 3', city: { name: 'Berlin' }, premieres: [{ id: expect.any(String) }] },
      null,
      null,
    ]);
  });

  it('resolves Movie references without reading movies, with a constant number of queries', async () => {
    const two = await commandsFor(MOVIES, refs('Movie', movieIds.slice(0, 2)));
    const ten = await commandsFor(MOVIES, refs('Movie', movieIds));
    expect(ten).toEqual(two);
    expect(ten).toEqual(['find', 'find']); // screenings, then their cinemas
  });

  it('lists a movie’s upcoming screenings in time order; an unknown or malformed movie has none', async () => {
    const r = await gql(c.url, MOVIES, { r: refs('Movie', [movieIds[0]!, new ObjectId().toHexString(), 'junk']) });
    expect(r.data!._entities).toEqual([
      {
        id: movieIds[0],
        screenings: [
          { id: expect.any(String), startsAt: at(2), cinema: { name: 'Kino 0' } },
          { id: expect.any(String), startsAt: at(20), cinema: { name: 'Kino 0' } },
        ],
      },
      { id: expect.any(String), screenings: [] },
      { id: 'junk', screenings: [] },
    ]);
  });

  it('still resolves a cancelled screening by reference, batched', async () => {
    const [movie] = (await gql(c.url, MOVIES, { r: refs('Movie', [movieIds[1]!]) })).data!._entities;
    const ids = [cancelledId, ...movie.screenings.map((s: { id: string }) => s.id)];
    const commands = await commandsFor(SCREENINGS, refs('Screening', ids));
    expect(commands).toEqual(['find', 'find', 'find']); // screenings, then their cinemas and movie titles
    const r = await gql(c.url, SCREENINGS, { r: refs('Screening', [cancelledId]) });
    expect(r.data!._entities[0]).toMatchObject({ id: cancelledId, cancelledAt: expect.any(String), movieTitle: 'Movie 0' });
  });
});
