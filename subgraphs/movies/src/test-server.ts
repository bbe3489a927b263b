import type { DomainEvent } from '@cinema/events';
import { ObjectId } from 'mongodb';
import { silentLogger, TEST_SIGNING_SECRET, testDatabase, type TestDatabase } from '@cinema/testing';
import { handleUserEvent } from './projections/user-profiles';
import { createMoviesServer } from './server';
import { userCreated } from './test-user-events';

export interface RunningMovies {
  url: string;
  t: TestDatabase;
  server: ReturnType<typeof createMoviesServer>;
  /** Applies a users event to the replica of user profiles through the real projection. */
  replicate(event: DomainEvent): Promise<unknown>;
  /** A user the replica knows (replicated from user.created), as an id hex string. */
  knownUser(fullName: string): Promise<string>;
  stop(): Promise<void>;
}

/** The movies subgraph over real HTTP on a free port, with its own throw-away database. */
export async function startMovies(prefix: string): Promise<RunningMovies> {
  const t = await testDatabase(prefix);
  const server = createMoviesServer({ db: t.db, logger: silentLogger, gatewaySecret: TEST_SIGNING_SECRET });
  await server.ensureIndexes();
  const url = await server.listen(0, '127.0.0.1');
  const handle = handleUserEvent(server.profiles.collection);
  const replicate = (event: DomainEvent) => handle(event, silentLogger);
  return {
    url,
    t,
    server,
    replicate,
    async knownUser(fullName) {
      const id = new ObjectId();
      await replicate(userCreated(id, fullName));
      return id.toHexString();
    },
    async stop() {
      await server.stop();
      await t.drop();
    },
  };
}
