import { ObjectId } from 'mongodb';
import type { DomainEvent } from '@cinema/events';
import { silentLogger, TEST_SIGNING_SECRET, testDatabase, type TestDatabase } from '@cinema/testing';
import { movieEventHandler } from './projections/movie-handler';
import { createCatalogServer } from './server';
import { movieCreated } from './test-events';

/**
 * For *.int.test.ts only: a catalog subgraph over a fresh test database, listening on a free port,
 * with a pinned clock so "upcoming" is deterministic.
 */
export async function startCatalog(prefix: string, now: Date) {
  const t: TestDatabase = await testDatabase(prefix);
  const server = createCatalogServer({ db: t.db, logger: silentLogger, gatewaySecret: TEST_SIGNING_SECRET, now: () => now });
  await server.ensureIndexes();
  const url = await server.listen(0, '127.0.0.1');
  // The consumer's handler over the server's own repositories: what a delivery from RabbitMQ does.
  const handle = movieEventHandler({ movies: server.movies, screenings: server.screenings });
  const applyMovieEvent = (event: DomainEvent) => handle(event, silentLogger);
  const countAll = async () => ({
    cities: await server.cities.cities.countDocuments(),
    cinemas: await server.cinemas.cinemas.countDocuments(),
    screenings: await server.screenings.screenings.countDocuments(),
    cancelled: await server.screenings.screenings.countDocuments({ cancelledAt: { $ne: null } }),
    bookings: await server.bookings.bookings.countDocuments(),
    seatsTaken: (await server.screenings.screenings.find({}, { projection: { seatsTaken: 1 } }).toArray()).reduce((n, d) => n + (d.seatsTaken?.length ?? 0), 0),
  });
  return {
    t,
    url,
    server,
    /** Documents per collection (and cancelled screenings), to prove a rejected request wrote nothing. */
    countAll,
    /** Applies one movies event the way the `catalog:movie:replicate` consumer does. */
    applyMovieEvent,
    /** A new movie in catalog's replica (through its movie.created event); resolves with its id. */
    async seedMovie(title: string) {
      const id = new ObjectId().toHexString();
      await applyMovieEvent(movieCreated(id, title));
      return id;
    },
    async stop() {
      await server.stop();
      await t.drop();
    },
  };
}
export type RunningCatalog = Awaited<ReturnType<typeof startCatalog>>;
