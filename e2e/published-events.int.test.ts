import amqplib from 'amqplib';
import { EVENTS, type EventType } from '@cinema/events';
import { adminHeaders, gql, must, mustOnceReplicated, testUserPrefix } from '@cinema/testing';
import { startInProcessGraph } from './support/in-process';

// What each mutation puts on the wire: a tap queue bound to all three exchanges with '#' sees every
// event exactly as a consumer would, with its routing key and AMQP properties.
type Graph = Awaited<ReturnType<typeof startInProcessGraph>>;
let graph: Graph;
let conn: amqplib.ChannelModel;
const seen: Array<{ exchange: string; routingKey: string; props: amqplib.MessageProperties; body: any }> = [];

beforeAll(async () => {
  graph = await startInProcessGraph();
  conn = await amqplib.connect(process.env.AMQP_URL!);
  const ch = await conn.createChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
  for (const ex of ['users', 'movies', 'catalog']) await ch.bindQueue(queue, `${graph.namespace}:${ex}`, '#');
  await ch.consume(queue, (m) => {
    if (m) seen.push({ exchange: m.fields.exchange, routingKey: m.fields.routingKey, props: m.properties, body: JSON.parse(m.content.toString()) });
  }, { noAck: true });
});
afterAll(async () => {
  await conn.close();
  await graph.stop();
});

/** Runs a mutation with a known request id and returns the events it caused, once published. */
async function eventsOf(requestId: string, query: string, variables: Record<string, unknown>, expected: number) {
  const res = await gql(graph.url, query, variables, { 'x-request-id': requestId, ...(await adminHeaders()) });
  if (res.errors) {
    await mustOnceReplicated(graph.url, query, variables); // a replica was not there yet: retry once it is
  }
  const deadline = Date.now() + 5_000;
  while (seen.filter((e) => e.body.correlationId === requestId).length < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return seen.filter((e) => e.body.correlationId === requestId);
}

function expectEnvelope(e: (typeof seen)[number], type: EventType, aggregateId: string, version: number) {
  const owner = EVENTS[type].exchange;
  expect(e.exchange).toBe(`${graph.namespace}:${owner}`);
  expect(e.routingKey).toBe(type);
  expect(e.body).toMatchObject({ type, schemaVersion: EVENTS[type].schemaVersion, source: owner, aggregateId, aggregateVersion: version, causationId: null });
  // user_id: the owner's broker user, which RabbitMQ checked against the connection's login.
  expect(e.props).toMatchObject({ messageId: e.body.eventId, contentType: 'application/json', deliveryMode: 2, type, userId: `${testUserPrefix()}${owner}` });
}

describe('every mutation publishes its event', () => {
  it('users: created, profile updated, deleted — versions 1, 2, 3', async () => {
    const [created] = await eventsOf('req-u1', 'mutation { createUser(input: { email: "pub@example.com", fullName: "Pub" }) { id } }', {}, 1);
    const id = created!.body.aggregateId;
    expectEnvelope(created!, 'user.created', id, 1);
    // Only what a consumer needs: the e-mail stays in users (schema version 2).
    expect(created!.body.data).toEqual({ id, fullName: 'Pub' });
    const [updated] = await eventsOf('req-u2', 'mutation($id: ID!) { updateUserProfile(id: $id, input: { fullName: "Pub Two" }) { id } }', { id }, 1);
    expectEnvelope(updated!, 'user.profile.updated', id, 2);
    expect(updated!.body.data.fullName).toBe('Pub Two');
    const [deleted] = await eventsOf('req-u3', 'mutation($id: ID!) { deleteUser(id: $id) }', { id }, 1);
    expectEnvelope(deleted!, 'user.deleted', id, 3);
    expect(deleted!.body.data).toEqual({ id });
  });

  it('movies and reviews; catalog screenings, cancelled by hand and by the movie’s deletion', async () => {
    const author = (await must(graph.url, 'mutation { createUser(input: { email: "rev@example.com", fullName: "Rev" }) { id } }')).createUser.id;
    const [movie] = await eventsOf('req-m1', 'mutation { createMovie(input: { title: "Heat", durationMinutes: 170 }) { id } }', {}, 1);
    const movieId = movie!.body.aggregateId;
    expectEnvelope(movie!, 'movie.created', movieId, 1);
    expect(movie!.body.data).toEqual({ id: movieId, title: 'Heat', durationMinutes: 170, genres: [], releaseDate: null, synopsis: null });
    const [updated] = await eventsOf('req-m2', 'mutation($id: ID!) { updateMovie(id: $id, input: { genres: ["crime"] }) { id } }', { id: movieId }, 1);
    expectEnvelope(updated!, 'movie.updated', movieId, 2);
    expect(updated!.body.data).toMatchObject({ title: 'Heat', genres: ['crime'] });
    const [review] = await eventsOf('req-m3', 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', { i: { movieId, authorId: author, rating: 4, body: 'Tense.' } }, 1);
    expectEnvelope(review!, 'review.created', review!.body.aggregateId, 1);
    expect(review!.body.data).toMatchObject({ movieId, authorId: author, rating: 4, body: 'Tense.' });

    const city = (await must(graph.url, 'mutation { createCity(input: { name: "Pubtown" }) { id } }')).createCity.id;
    const cinema = (await must(graph.url, 'mutation($c: ID!) { createCinema(input: { cityId: $c, name: "Odeon" }) { id } }', { c: city })).createCinema.id;
    const schedule = 'mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id } }';
    const at = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    const [s1] = await eventsOf('req-s1', schedule, { i: { cinemaId: cinema, movieId, startsAt: at(3), isPremiere: true } }, 1);
    expectEnvelope(s1!, 'screening.scheduled', s1!.body.aggregateId, 1);
    expect(s1!.body.data).toMatchObject({ cinemaId: cinema, movieId, isPremiere: true });
    const [s2] = await eventsOf('req-s2', schedule, { i: { cinemaId: cinema, movieId, startsAt: at(4) } }, 1);
    const [c1] = await eventsOf('req-s3', 'mutation($id: ID!) { cancelScreening(id: $id) }', { id: s1!.body.aggregateId }, 1);
    expectEnvelope(c1!, 'screening.cancelled', s1!.body.aggregateId, 2);
    expect(c1!.body.data.reason).toBe('cancelled');

    const caused = await eventsOf('req-m4', 'mutation($id: ID!) { deleteMovie(id: $id) }', { id: movieId }, 2);
    const deleted = caused.find((e) => e.body.type === 'movie.deleted')!;
    expectEnvelope(deleted, 'movie.deleted', movieId, 3);
    const cancelled = caused.filter((e) => e.body.type === 'screening.cancelled');
    expect(cancelled.map((e) => [e.body.aggregateId, e.body.aggregateVersion, e.body.data.reason, e.body.causationId])).toEqual([
      [s2!.body.aggregateId, 2, 'movie-deleted', deleted.body.eventId],
    ]);
  });
});
