import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_OPTIONS } from './heap';

// The limit is spelled out where heap.ts cannot reach (the Dockerfile, npm scripts): keep them equal.
const read = (file: string) => readFileSync(join(__dirname, '..', file), 'utf8');

describe('the gateway heap limit', () => {
  it("is the one the Dockerfile's gateway stage starts it with", () => {
    // From `FROM runtime AS gateway` to the next stage: the gateway's image only.
    const stage = /^FROM runtime AS gateway$([\s\S]*?)^FROM /m.exec(read('../Dockerfile'))?.[1];
    expect(stage).toContain(`NODE_OPTIONS="${GATEWAY_NODE_OPTIONS}"`);
  });

  it('is the one every npm script that starts the gateway passes', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const starts = Object.entries(scripts).filter(([, cmd]) => /^node\b/.test(cmd));
    expect(starts.map(([name]) => name)).toEqual(expect.arrayContaining(['start', 'start:cluster']));
    for (const [name, cmd] of starts) expect(`${name}: ${cmd}`).toContain(`node ${GATEWAY_NODE_OPTIONS} `);
  });
});
