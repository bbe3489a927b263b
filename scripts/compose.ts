import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { composeSupergraph, SUPERGRAPH_PATH } from './lib/supergraph';

// `npm run compose`            regenerates schema/supergraph.graphql from the subgraph SDLs.
// `npm run compose -- --check` fails if the committed file is not what composition produces.
function main() {
  const composed = composeSupergraph();
  const target = relative(process.cwd(), SUPERGRAPH_PATH);
  if (process.argv.includes('--check')) {
    if (readFileSync(SUPERGRAPH_PATH, 'utf8') !== composed) {
      console.error(`${target} is stale: run \`npm run compose\` and commit the result`);
      process.exit(1);
    }
    console.log(`${target} is up to date`);
    return;
  }
  writeFileSync(SUPERGRAPH_PATH, composed);
  console.log(`composed ${target}`);
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
