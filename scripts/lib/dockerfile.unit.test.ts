import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildWorkspaces } from '../build';
import { assignments, dockerIgnored, effective, execForm, lineage, parseDockerfile } from './dockerfile';
import { serviceArgs, workspaceOf, type ServiceName } from './stack';

// There is no Docker engine here: the image is checked as data. What only a build can tell (that
// npm ci and the build succeed in the image, that the image starts) is left to `docker build`.
const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const PORTS: Record<ServiceName, string> = { gateway: '4000', users: '4001', movies: '4002', catalog: '4003' };
const SERVICES = Object.keys(PORTS) as ServiceName[];
const dockerfile = parseDockerfile(read('Dockerfile'));
const stage = (name: string) => dockerfile.stages.find((s) => s.name === name)!;
const runs = (name: string) => stage(name).instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);

describe('parseDockerfile', () => {
  it('joins continuations, drops comments (inside a continuation too), splits stages and reads exec forms', () => {
    const file = parseDockerfile('# c\nARG A=1\nFROM node:20 AS base\nRUN a \\\n  # inside\n  && b\nENV X=1 Y="a b"\nFROM base\nCMD ["node", "x.js"]\n');
    expect(file.args).toEqual([{ keyword: 'ARG', args: 'A=1', line: 2 }]);
    expect(file.stages.map((s) => [s.from, s.name])).toEqual([['node:20', 'base'], ['base', undefined]]);
    expect(file.stages[0]!.instructions[0]).toEqual({ keyword: 'RUN', args: 'a && b', line: 4 });
    expect(assignments(file.stages[0]!.instructions[1]!.args)).toEqual({ X: '1', Y: 'a b' });
    expect(execForm(file.stages[1]!.instructions[0]!.args)).toEqual(['node', 'x.js']);
  });

  it('.dockerignore patterns: folders at any depth, a folder and all below it, negation', () => {
    const ignore = '**/node_modules\ndocs\n**/*.log\n!docs/keep.md';
    expect(['gateway/node_modules/x/y.js', 'node_modules/a', 'docs/a.md', 'packages/x/a.log'].filter((p) => !dockerIgnored(p, ignore))).toEqual([]);
    expect(['docs/keep.md', 'gateway/src/index.ts', 'patches/a.patch'].filter((p) => dockerIgnored(p, ignore))).toEqual([]);
  });
});

describe('the Dockerfile, read as data', () => {
  it('one stage per service on a shared runtime, and the image is the stage SERVICE names (gateway by default)', () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['manifests', 'build', 'runtime', 'gateway', 'subgraph', 'users', 'movies', 'catalog', undefined]);
    expect(dockerfile.stages.at(-1)!.from).toBe('${SERVICE}');
    expect(assignments(dockerfile.args.map((a) => a.args).join(' ')).SERVICE).toBe('gateway');
    for (const s of SERVICES) expect(lineage(dockerfile, s).map((l) => l.name)).toEqual(s === 'gateway' ? ['runtime', 'gateway'] : ['runtime', 'subgraph', s]);
  });

  it('compiles with every dependency installed, and the image installs only the production dependencies of its workspace, patches/ first', () => {
    expect(runs('build')).toEqual([expect.stringMatching(/^npm ci --no-audit/), expect.stringMatching(/^npm run build && /)]);
    expect(runs('runtime')).toEqual([expect.stringMatching(/^npm ci --omit=dev --workspace "@cinema\/\$\{SERVICE\}" --include-workspace-root=false /)]);
    for (const s of SERVICES) expect(JSON.parse(read(`${workspaceOf(s)}/package.json`)).name).toBe(`@cinema/${s}`);
    // npm ci runs the root's postinstall (scripts/apply-patches.sh) in both stages: it and the patches must be there before.
    for (const name of ['build', 'runtime']) {
      const ins = stage(name).instructions;
      const install = ins.findIndex((i) => i.keyword === 'RUN' && i.args.startsWith('npm ci'));
      expect(ins.findIndex((i) => i.keyword === 'COPY' && i.args === 'patches patches')).toBeLessThan(install);
      expect(ins.findIndex((i) => i.keyword === 'COPY' && i.args === 'patches patches')).toBeGreaterThanOrEqual(0);
      expect(ins.findIndex((i) => i.keyword === 'COPY' && i.args === 'scripts/apply-patches.sh scripts/')).toBeLessThan(install);
      expect(ins.findIndex((i) => i.keyword === 'COPY' && i.args === 'scripts/apply-patches.sh scripts/')).toBeGreaterThanOrEqual(0);
    }
  });

  it('installs no workspace that only tests use: npm ci --omit=dev still installs a workspace named in devDependencies', () => {
    for (const w of buildWorkspaces()) {
      const dev = Object.keys((JSON.parse(read(`${w}/package.json`)) as { devDependencies?: object }).devDependencies ?? {});
      expect({ w, dev: dev.filter((d) => d.startsWith('@cinema/')) }).toEqual({ w, dev: [] });
    }
  });

  it.each(SERVICES)('%s: plain node on its compiled entry (as the compiled e2e test runs it), non-root, a readiness healthcheck', (s) => {
    const image = effective(dockerfile, s, { SERVICE: s });
    // The command runs in the service's folder: its entry, from /app, is the one the e2e test starts.
    const [node, ...args] = execForm(image.cmd!)!;
    expect([node, ...args.map((a) => (a.endsWith('.js') ? posix.relative('/app', posix.join(image.workdir, a)) : a))]).toEqual([
      'node',
      ...serviceArgs(s, true).map((a) => (a.startsWith(ROOT) ? relative(ROOT, a) : a)),
    ]);
    expect(image.workdir).toBe(`/app/${workspaceOf(s)}`);
    expect(existsSync(join(ROOT, workspaceOf(s), 'src', 'index.ts'))).toBe(true);
    expect(image.instructions).toContainEqual(expect.objectContaining({ keyword: 'COPY', args: `--from=build /out/${workspaceOf(s)} ${workspaceOf(s)}` }));
    expect(image.user).toMatch(/^[a-z][a-z0-9_-]*$/);
    expect(image.user).not.toBe('root');
    const [, options, check] = /^(.*?)\s*CMD (\[.*\])$/.exec(image.healthcheck!)!;
    expect(options).toMatch(/--interval=\S+ .*--retries=\d+/);
    expect(execForm(check!)).toEqual(['node', '-e', expect.stringContaining("fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready')")]);
    expect(image.env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: PORTS[s] });
    expect(stage(s).instructions).toContainEqual(expect.objectContaining({ keyword: 'EXPOSE', args: PORTS[s] }));
    if (s === 'gateway') {
      expect(image.env.SUPERGRAPH_PATH).toBe('/app/schema/supergraph.graphql');
      expect(image.instructions).toContainEqual(expect.objectContaining({ keyword: 'COPY', args: 'schema/supergraph.graphql schema/supergraph.graphql' }));
    } else expect(image.env.MONGO_DB).toBe(s);
  });

  it('copies from the build context only what exists and .dockerignore lets in', () => {
    const ignore = read('.dockerignore');
    const sources = dockerfile.stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(10);
    for (const source of sources) expect({ source, exists: existsSync(join(ROOT, source)), ignored: dockerIgnored(source, ignore) }).toEqual({ source, exists: true, ignored: false });
  });
});

describe('docker compose', () => {
  it('builds every service from the root Dockerfile with its SERVICE, on the port its image sets', () => {
    const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as { services: Record<string, { build?: unknown; environment: Record<string, string> }> };
    const built = Object.entries(compose.services).filter(([, s]) => s.build).map(([name]) => name);
    expect(built.sort()).toEqual([...SERVICES].sort());
    for (const s of SERVICES) {
      expect(compose.services[s]!.build).toEqual({ context: '.', dockerfile: 'Dockerfile', args: { SERVICE: s } });
      expect(compose.services[s]!.environment.PORT).toBe(PORTS[s]);
    }
  });

  it('the root Dockerfile is the only one', () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        if (e.isDirectory() && !['node_modules', '.git', '.data', '.tools'].includes(e.name)) walk(join(dir, e.name));
        else if (/^Dockerfile|\.Dockerfile$/.test(e.name)) found.push(join(dir, e.name));
      }
    };
    walk('');
    expect(found).toEqual(['Dockerfile']);
  });
});
