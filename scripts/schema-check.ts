import { checkHistory, committedVersions } from './lib/breaking-changes';
import { composeSupergraph } from './lib/supergraph';
import { ROOT } from './lib/infra';

// `npm run schema:check`: the public API may only grow. Every committed step of
// schema/supergraph.graphql, and the working tree's composition, is compared with the one before;
// a breaking change fails unless schema/breaking-changes.json lists it with a reason.
function main() {
  const versions = [...committedVersions(ROOT), { label: 'working tree', sdl: composeSupergraph() }];
  if (versions.length < 2) {
    console.log('schema check: no earlier supergraph to compare with');
    return;
  }
  const findings = checkHistory(versions);
  for (const f of findings) {
    console.log(`${f.acknowledged ? 'acknowledged' : 'BREAKING'}  ${f.from} → ${f.to}  ${f.change}`);
  }
  const open = findings.filter((f) => !f.acknowledged);
  if (open.length > 0) {
    console.error(
      `\n${open.length} unacknowledged breaking change(s). Restore compatibility, or add each line above to ` +
        'schema/breaking-changes.json as { "change": "…", "reason": "…" }.',
    );
    process.exit(1);
  }
  console.log(`schema check: ${versions.length - 1} step(s) compared, no unacknowledged breaking change`);
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
