import type { MongoClient } from 'mongodb';
import { compare, type Difference } from './convergence';
import { readModels, type Databases } from './read-models';
import { checkSaga } from './saga-consistency';

/**
 * The whole system's promise, checked after it went quiet: every read model equals its source, every
 * upcoming screening of a deleted movie was cancelled exactly once, the booking saga's invariants
 * hold (saga-consistency.ts: every credit accounted for, no seat sold twice), and no outbox still
 * holds an event.
 * Differences are counted as
 * - lost: an effect that should exist and does not (replica missing or behind, a screening not
 *   cancelled, an event still unpublished);
 * - duplicated: an effect applied twice (a screening cancelled twice shows as version > 2);
 * - unexpected: state with no cause (a replica entity its source never had, or ahead of it,
 *   or brought back to life).
 */
export interface ConsistencyReport {
  lost: number;
  duplicated: number;
  unexpected: number;
  checked: Record<string, number>;
  details: string[];
}

const KIND: Record<Difference['kind'], 'lost' | 'unexpected'> = {
  lost: 'lost', stale: 'lost', 'not-deleted': 'lost', unexpected: 'unexpected', resurrected: 'unexpected',
};

export async function checkConsistency(client: MongoClient, dbs: Databases, now = new Date()): Promise<ConsistencyReport> {
  const report: ConsistencyReport = { lost: 0, duplicated: 0, unexpected: 0, checked: {}, details: [] };
  const count = (kind: 'lost' | 'duplicated' | 'unexpected', detail: string) => {
    report[kind]++;
    if (report.details.length < 50) report.details.push(`${kind}: ${detail}`);
  };

  for (const [queue, pair] of Object.entries(readModels(dbs))) {
    const { entities, differences } = await compare(client, pair);
    report.checked[queue] = entities;
    for (const d of differences) {
      // A replica ahead of its source is no loss: it is a version its source never had.
      const kind = d.kind === 'stale' && (d.replica ?? 0) > (d.source ?? 0) ? 'unexpected' : KIND[d.kind];
      count(kind, `${queue} ${d.kind} ${d.id} (source v${d.source ?? '-'}, replica v${d.replica ?? '-'})`);
    }
  }

  // Deleting a movie cancels its upcoming screenings: once each (scheduled = v1, cancelled = v2).
  const deleted = await client.db(dbs.movies).collection('movies').find({ deletedAt: { $ne: null } }, { projection: { _id: 1 } }).toArray();
  const deletedIds = new Set(deleted.map((m) => String(m._id)));
  const screenings = await client.db(dbs.catalog).collection('screenings').find({}, { projection: { outbox: 0 } }).toArray();
  report.checked.screenings = screenings.length;
  for (const s of screenings) {
    const expected = s.cancelledAt ? 2 : 1;
    if (s.version > expected) count('duplicated', `screening ${s._id} at v${s.version} (expected v${expected})`);
    if (!s.cancelledAt && deletedIds.has(String(s.movieId)) && s.startsAt > now) count('lost', `screening ${s._id} of deleted movie ${s.movieId} still on`);
  }

  const saga = await checkSaga(client, dbs);
  Object.assign(report.checked, saga.checked);
  for (const f of saga.findings) count(f.kind, f.detail);

  // An event still in an outbox once the system is quiet never reached the broker.
  const outboxes = [[dbs.users, ['users', 'booking_rejections']], [dbs.movies, ['movies', 'reviews']], [dbs.catalog, ['screenings', 'bookings']]] as const;
  for (const [db, collections] of outboxes) {
    for (const name of collections) {
      const pending = await client.db(db).collection(name).countDocuments({ 'outbox.0': { $exists: true } });
      if (pending > 0) count('lost', `${db}.${name}: ${pending} document(s) with unpublished events`);
    }
  }
  return report;
}

export const isConsistent = (r: ConsistencyReport) => r.lost + r.duplicated + r.unexpected === 0;
