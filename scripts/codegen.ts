import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen';
import { ROOT } from './lib/infra';

// `npm run codegen`            regenerates each subgraph's resolver types from its SDL (codegen.ts).
// `npm run codegen -- --check` fails if a committed file is not what generation produces now.
// `--against DIR` compares with the files under DIR instead of the working tree (for the test).
async function main() {
  const check = process.argv.includes('--check');
  const against = process.argv.includes('--against') ? process.argv[process.argv.indexOf('--against') + 1]! : ROOT;
  // Typed loosely by codegen (it may also return its own context): here always the outputs.
  const files = (await generate({ ...config, cwd: ROOT, silent: true }, false)) as Array<{ filename: string; content: string }>;
  const stale = files.filter(({ filename, content }) => {
    const path = join(against, filename);
    return !existsSync(path) || readFileSync(path, 'utf8') !== content;
  });
  if (check) {
    for (const f of stale) console.error(`${f.filename} is stale`);
    if (stale.length > 0) {
      console.error('run `npm run codegen` and commit the result');
      process.exit(1);
    }
    console.log(`resolver types up to date (${files.length} files)`);
    return;
  }
  for (const { filename, content } of stale) {
    mkdirSync(dirname(join(ROOT, filename)), { recursive: true });
    writeFileSync(join(ROOT, filename), content);
    console.log(`wrote ${filename}`);
  }
  console.log(`resolver types: ${stale.length} written, ${files.length - stale.length} already up to date`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
