import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { must } from '@cinema/testing';
import { buildWorkspaces } from '../scripts/build';
import { isTestCode } from '../scripts/lib/import-graph';
import { SUBGRAPHS, type InstanceName } from '../scripts/lib/stack';
import { ACROSS_ALL_SUBGRAPHS, acrossAllSubgraphsAnswer, seedCinemaGraph } from './support/scenario';
import { startTestStack, type TestStack } from './support/test-stack';

// `npm run build`, then the four services as the image runs them: plain node on dist/index.js with
// --conditions=production (serviceArgs in scripts/lib/stack.ts; dockerfile.unit.test.ts holds the
// Dockerfile's CMDs to the same arguments). Plain node cannot load TypeScript, so a package that
// resolved to its src/ instead of its dist/ would fail the start.
const ROOT = join(__dirname, '..');
jest.setTimeout(180_000);

let stack: TestStack;
const logs = new Map<InstanceName, string>();
const output = (service: InstanceName) => {
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => logs.set(service, (logs.get(service) ?? '') + chunk.toString()));
  return sink;
};

beforeAll(() => {
  // Incremental after the first run; a cold build of the twelve workspaces takes about a minute here.
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' });
}, 600_000);
afterAll(() => stack?.stop());

const sources = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));

describe('the compiled build', () => {
  it('compiled every workspace: a .js beside each source file but its tests and test helpers, and the schema files', () => {
    for (const w of buildWorkspaces()) {
      for (const file of sources(`${w}/src`)) {
        const js = join(ROOT, w, 'dist', file.replace(/\.ts$/, '.js'));
        expect({ file: `${w}/src/${file}`, compiled: existsSync(js) }).toEqual({ file: `${w}/src/${file}`, compiled: !isTestCode(`${w}/src/${file}`) });
      }
    }
    for (const s of SUBGRAPHS) expect(existsSync(join(ROOT, 'subgraphs', s, 'dist', 'schema.graphql'))).toBe(true);
  });

  it('serves the graph from compiled processes under plain node: every subgraph, the events between them, the gateway', async () => {
    stack = await startTestStack('compiled', { compiled: true, output });
    for (const [service, child] of stack.processes) {
      expect({ service, args: child.spawnargs.slice(1) }).toEqual({ service, args: ['--conditions=production', expect.stringMatching(/\/dist\/index\.js$/)] });
    }
    // Seeding waits for the events: movies learns the authors, catalog the movie (compiled messaging).
    const seed = await seedCinemaGraph(stack.gatewayUrl);
    const { movie } = await must(stack.gatewayUrl, ACROSS_ALL_SUBGRAPHS, { id: seed.movieId });
    expect(movie).toEqual(acrossAllSubgraphsAnswer(seed));
    // The compiled gateway found Apollo's patch applied: no "Apollo runs as published" warning.
    expect(logs.get('gateway') ?? '').not.toContain('Apollo runs as published');
  });
});
