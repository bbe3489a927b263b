import { relative } from 'node:path';
import { ACK_PATH, acknowledged, breakingChanges, checkHistory, committedVersions, type Finding } from './lib/breaking-changes';
import { ASYNCAPI_PATH, toYaml } from './lib/asyncapi/catalog';
import { buildAsyncApi } from './lib/asyncapi/document';
import { EVENT_ACK_PATH, eventBreakingChanges } from './lib/asyncapi/payload-changes';
import { composeSupergraph, SUPERGRAPH_PATH } from './lib/supergraph';
import { ROOT } from './lib/infra';

// `npm run schema:check`: the public contracts may only grow. Every committed step of
// schema/supergraph.graphql (the GraphQL API) and of docs/asyncapi.yaml (the events), and the
// working tree's version of each (composed and generated from the code, committed or not), is
// compared with the one before; a breaking change fails unless its acknowledgement file lists it
// with a reason.
const CONTRACTS = [
  { name: 'GraphQL', path: SUPERGRAPH_PATH, current: composeSupergraph, ackPath: ACK_PATH, compare: breakingChanges },
  { name: 'events', path: ASYNCAPI_PATH, current: () => toYaml(buildAsyncApi()), ackPath: EVENT_ACK_PATH, compare: eventBreakingChanges },
];

function main() {
  const open: Array<Finding & { ackPath: string }> = [];
  for (const c of CONTRACTS) {
    const versions = [...committedVersions(ROOT, c.path), { label: 'working tree', text: c.current() }];
    if (versions.length < 2) {
      console.log(`schema check (${c.name}): no earlier version to compare with`);
      continue;
    }
    const findings = checkHistory(versions, acknowledged(c.ackPath), c.compare);
    for (const f of findings) console.log(`${f.acknowledged ? 'acknowledged' : 'BREAKING'}  ${c.name}  ${f.from} → ${f.to}  ${f.change}`);
    open.push(...findings.filter((f) => !f.acknowledged).map((f) => ({ ...f, ackPath: relative(ROOT, c.ackPath) })));
    console.log(`schema check (${c.name}): ${versions.length - 1} step(s) compared`);
  }
  if (open.length > 0) {
    const files = [...new Set(open.map((f) => f.ackPath))].join(' or ');
    console.error(
      `\n${open.length} unacknowledged breaking change(s). Restore compatibility (for an event: publish a new ` +
        `schemaVersion), or add each line above to ${files} as { "change": "…", "reason": "…" }.`,
    );
    process.exit(1);
  }
  console.log('schema check: no unacknowledged breaking change');
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
