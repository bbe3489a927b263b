import { silentLogger, testDatabase, type TestDatabase } from '@cinema/testing';
import { createCatalogServer } from './server';

/**
 * For *.int.test.ts only: a catalog subgraph over a fresh test database, listening on a free port,
 * with a pinned clock so "upcoming" is deterministic.
 */
export async function startCatalog(prefix: string, now: Date) {
  const t: TestDatabase = await testDatabase(prefix);
  const server = createCatalogServer({ db: t.db, logger: silentLogger, now: () => now });
  await server.ensureIndexes();
  const url = await server.listen(0, '127.0.0.1');
  const countAll = async () => ({
    cities: await server.cities.cities.countDocuments(),
    cinemas: await server.cinemas.cinemas.countDocuments(),
    screenings: await server.screenings.screenings.countDocuments(),
    cancelled: await server.screenings.screenings.countDocuments({ cancelledAt: { $ne: null } }),
  });
  return {
    t,
    url,
    server,
    /** Documents per collection (and cancelled screenings), to prove a rejected request wrote nothing. */
    countAll,
    async stop() {
      await server.stop();
      await t.drop();
    },
  };
}
export type RunningCatalog = Awaited<ReturnType<typeof startCatalog>>;
