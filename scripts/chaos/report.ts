import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/infra';
import type { HeldLoad } from './held-load';
import type { ScenarioResult } from './run';

const BEGIN = '<!-- chaos:begin -->';
const END = '<!-- chaos:end -->';

/** Rewrites the figures block of docs/reliability.md from a full `npm run chaos`. */
export function writeReliabilityFigures(results: ScenarioResult[], held: HeldLoad | undefined, run: { ratePerSecond: number; instances: number; at?: Date }) {
  const path = join(ROOT, 'docs', 'reliability.md');
  const doc = readFileSync(path, 'utf8');
  if (!doc.includes(BEGIN) || !doc.includes(END)) return;
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.load.sent} | ${r.load.perSecond} | ${r.load.p50Ms} ms | ${r.load.ok} | ${r.load.failed} | ${r.bookings} | ${r.events} | ${r.lost} | ${r.duplicated} | ${r.unexpected} | ${r.convergedInMs === null ? 'no' : `${(r.convergedInMs / 1000).toFixed(1)} s`} |`,
  );
  const block = [
    BEGIN,
    `Latest full run: ${(run.at ?? new Date()).toISOString().slice(0, 16).replace('T', ' ')} UTC, \`npm run chaos -- --rate ${run.ratePerSecond} --instances ${run.instances}\` ` +
      `(${run.ratePerSecond} mutations/s asked; ${run.instances === 1 ? 'one process per service' : `${run.instances} processes of each subgraph, ${run.instances} gateway workers`}) ` +
      `on this repository's machine (2 cores shared with other engineers' work, FerretDB 1.24 SQLite, RabbitMQ 3.10).`,
    '',
    '| scenario | mutations sent | per second | answer p50 | acknowledged | failed during the fault | bookings made | events published | lost | duplicated | unexpected | converged after the load stopped |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...results.filter((r) => r.note).map((r) => `- ${r.name}: ${r.note}.`),
    // What went wrong, where anything did: the first lines of the scenario's details.
    ...results.filter((r) => r.lost + r.duplicated + r.unexpected > 0).map((r) => `- ${r.name}: ${r.details.slice(0, 3).join('; ').replaceAll(`${ROOT}/`, '')}.`),
    '',
    held ? `Load held: **${held.perSecond} requests/s for ${held.seconds} s** (8 clients, 80 % reads), p50 ${held.p50Ms} ms, p99 ${held.p99Ms} ms, **${held.errors} errors**, read models converged after it.` : '',
    END,
  ].join('\n');
  writeFileSync(path, doc.slice(0, doc.indexOf(BEGIN)) + block + doc.slice(doc.indexOf(END) + END.length));
}
