import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { renderCatalog } from './lib/asyncapi/catalog';
import { ROOT } from './lib/infra';

// `npm run asyncapi`            regenerates the event catalog (docs/asyncapi.yaml, docs/events.md)
//                               from packages/events and the services' broker topology.
// `npm run asyncapi -- --check` fails if a committed file is not what generation produces now.
function main() {
  const files = renderCatalog().map((f) => ({ ...f, name: relative(ROOT, f.path) }));
  const stale = files.filter((f) => !existsSync(f.path) || readFileSync(f.path, 'utf8') !== f.content);
  if (process.argv.includes('--check')) {
    for (const f of stale) console.error(`${f.name} is stale: run \`npm run asyncapi\` and commit the result`);
    if (stale.length > 0) process.exit(1);
    console.log('event catalog up to date');
    return;
  }
  for (const f of stale) writeFileSync(f.path, f.content);
  console.log(stale.length ? `wrote ${stale.map((f) => f.name).join(', ')}` : 'event catalog already up to date');
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
