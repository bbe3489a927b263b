import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { runId } from './run-id';

export interface TestDatabase {
  client: MongoClient;
  db: Db;
  /** Names of the commands sent since the last `resetCommands()` (find, aggregate, insert…), outbox sweeps excepted. */
  commands: string[];
  resetCommands(): void;
  drop(): Promise<void>;
}

/**
 * A fresh, uniquely named database on the MongoDB-wire server the global setup provided
 * (FerretDB here, MongoDB wherever MONGO_URL points), with command monitoring so tests can
 * count round-trips. Test files therefore never share state.
 */
export async function testDatabase(prefix: string): Promise<TestDatabase> {
  const url = process.env.MONGO_URL;
  if (!url) throw new Error('MONGO_URL is not set: run the tests through `npm test` (jest global setup)');
  const client = new MongoClient(url, { monitorCommands: true, serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const name = `t_${runId()}_${prefix}_${randomBytes(3).toString('hex')}`.slice(0, 60);
  const db = client.db(name);
  const commands: string[] = [];
  client.on('commandStarted', (e) => {
    // The outbox relay's periodic sweep runs in the background; it is not part of what a test measures.
    const sweep = e.commandName === 'find' && e.command.filter && 'outboxPending' in e.command.filter;
    if (e.databaseName === name && !sweep) commands.push(e.commandName);
  });
  return {
    client,
    db,
    commands,
    resetCommands: () => void commands.splice(0),
    async drop() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}
