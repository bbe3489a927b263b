import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildWorkspaces } from './build';

const ROOT = join(__dirname, '..');
const json = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
type Pkg = { name: string; main?: string; types?: string; exports?: Record<string, { production: string; default: string }>; dependencies?: Record<string, string> };

// Every npm workspace, from the root package.json's globs.
const workspaces = (json('package.json').workspaces as string[]).flatMap((w) =>
  w.endsWith('/*') ? readdirSync(join(ROOT, w.slice(0, -2))).map((d) => `${w.slice(0, -2)}/${d}`) : [w],
);
const pkg = (w: string) => json(`${w}/package.json`) as Pkg;
const dirOf = new Map(workspaces.map((w) => [pkg(w).name, w]));

describe('npm run build: the project references', () => {
  it('compile every workspace, each after those it uses', () => {
    const order = buildWorkspaces();
    expect([...order].sort()).toEqual([...workspaces].sort());
    for (const w of order) {
      const deps = Object.keys(pkg(w).dependencies ?? {}).filter((d) => dirOf.has(d));
      for (const d of deps) expect(`${w} after ${dirOf.get(d)}: ${order.indexOf(dirOf.get(d)!) < order.indexOf(w)}`).toBe(`${w} after ${dirOf.get(d)}: true`);
    }
  });

  it.each(workspaces)("%s references exactly the workspaces its package.json depends on", (w) => {
    const config = json(`${w}/tsconfig.build.json`) as { extends: string; references?: Array<{ path: string }> };
    expect(join(w, config.extends)).toBe('tsconfig.build.base.json');
    const referenced = (config.references ?? []).map((r) => relative(ROOT, join(ROOT, w, r.path, '..')));
    const deps = Object.keys(pkg(w).dependencies ?? {}).flatMap((d) => dirOf.get(d) ?? []);
    expect(referenced.sort()).toEqual(deps.sort());
  });
});

describe("the packages' exports", () => {
  it.each(workspaces.filter((w) => w.startsWith('packages/')))('%s: production resolves dist/*.js, anything else (tsx, jest) the TypeScript source; tsc reads `types`', (w) => {
    const { exports, main, types } = pkg(w);
    expect(Object.keys(exports!)).toContain('.');
    for (const [sub, target] of Object.entries(exports!)) {
      expect(Object.keys(target)).toEqual(['production', 'default']); // the first condition that matches wins
      expect(target.default).toMatch(/^\.\/src\/.+\.ts$/);
      expect(target.production).toBe(target.default.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '.js'));
      if (sub === '.') expect([main, types].map((p) => `./${p}`)).toEqual([target.default, target.default]);
    }
  });
});
