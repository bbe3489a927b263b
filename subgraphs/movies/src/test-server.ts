import { silentLogger, testDatabase, type TestDatabase } from '@cinema/testing';
import { createMoviesServer } from './server';

export interface RunningMovies {
  url: string;
  t: TestDatabase;
  server: ReturnType<typeof createMoviesServer>;
  stop(): Promise<void>;
}

/** The movies subgraph over real HTTP on a free port, with its own throw-away database. */
export async function startMovies(prefix: string): Promise<RunningMovies> {
  const t = await testDatabase(prefix);
  const server = createMoviesServer({ db: t.db, logger: silentLogger });
  await server.ensureIndexes();
  const url = await server.listen(0, '127.0.0.1');
  return {
    url,
    t,
    server,
    async stop() {
      await server.stop();
      await t.drop();
    },
  };
}
