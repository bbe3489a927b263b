import { createHash } from 'node:crypto';
import type { CommandStartedEvent, Db, MongoClient } from 'mongodb';

/**
 * Every query operator the product itself sends. A `$` key outside this list in a command's
 * filter, update or pipeline can only have come from client input: an operator injection.
 */
const PRODUCT_OPERATORS = new Set(['$in', '$set', '$gt', '$gte', '$lt', '$push', '$unset', '$size', '$sum', '$pullAll', '$match', '$group', '$first', '$inc', '$setOnInsert', '$sort', '$limit', '$project']);
// The parts of a command that carry data or conditions (not the command envelope: $db, lsid…).
const PAYLOAD = ['filter', 'query', 'q', 'u', 'update', 'updates', 'deletes', 'documents', 'pipeline', 'sort', 'projection'];

function foreignOperators(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => foreignOperators(v, found));
  else if (value && typeof value === 'object' && value.constructor?.name === 'Object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('$') && !PRODUCT_OPERATORS.has(k)) found.push(k);
      foreignOperators(v, found);
    }
  }
  return found;
}

/** Watches a client's commands for operators no product code sends. */
export function watchOperators(client: MongoClient, dbName: string) {
  const injections: Array<{ command: string; operators: string[] }> = [];
  let commands = 0;
  const listener = (e: CommandStartedEvent) => {
    if (e.databaseName !== dbName) return;
    commands++;
    const operators = PAYLOAD.flatMap((k) => foreignOperators((e.command as Record<string, unknown>)[k]));
    if (operators.length) injections.push({ command: e.commandName, operators });
  };
  client.on('commandStarted', listener);
  return { injections, commands: () => commands, stop: () => client.off('commandStarted', listener) };
}

/**
 * Each collection's document count and a digest of its documents (outbox bookkeeping left out: the
 * relay removes published entries in the background). Equal snapshots = nothing changed.
 */
export async function snapshot(db: Db): Promise<Record<string, { count: number; digest: string }>> {
  const out: Record<string, { count: number; digest: string }> = {};
  const collections = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  for (const name of collections) {
    const docs = await db.collection(name).find({}, { projection: { outbox: 0, outboxPending: 0 } }).sort({ _id: 1 }).toArray();
    out[name] = { count: docs.length, digest: createHash('sha256').update(JSON.stringify(docs)).digest('hex').slice(0, 16) };
  }
  return out;
}
