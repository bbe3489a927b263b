import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, operationFromDocument } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { EXECUTE_QUERY_PLAN, PATCH_MARKER, RESULT_SHAPING, resultShaping, unpatched } from './apollo-modules';
import { applyApolloInternals, installApolloInternals } from '.';
import { installedVersions, MADE_FOR, PATCH, versionMismatch } from './versions';

const ROOT = join(__dirname, '..', '..', '..');
const json = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
const logger = () => ({ warn: jest.fn() });
const other = { '@apollo/gateway': '2.15.0', '@apollo/federation-internals': '2.14.4' };
const seams = { versions: MADE_FOR, unpatched, resultShaping };

// Which walk shapeResponse runs, told apart by what it builds: Apollo's result objects have no
// prototype at all, the compiled walk's a null-prototype one of its own (compiled-result-shaping.ts).
const schema = buildSchema('type Query { movie: Movie } type Movie { id: ID! title: String }');
function shapedBy(): 'apollo' | 'compiled' {
  const operation = operationFromDocument(schema, parse('{ movie { id title } }'), { validate: true });
  const { data, errors } = resultShaping().shapeResponse({ operation, input: { movie: { id: '1', title: 'T' } }, introspectionHandling: () => null });
  expect({ data: JSON.parse(JSON.stringify(data)), errors }).toEqual({ data: { movie: { id: '1', title: 'T' } }, errors: [] });
  return Object.getPrototypeOf(data) === null ? 'apollo' : 'compiled';
}

describe("Apollo's internals: changed only on the release they were made for, with its patch applied", () => {
  it('the installed release is the one this was made for, and gateway/package.json pins both exactly', () => {
    expect(installedVersions()).toEqual(MADE_FOR);
    const { dependencies } = json('gateway/package.json');
    for (const [name, version] of Object.entries(MADE_FOR)) expect(dependencies[name]).toBe(version);
  });

  it('the patch is named for that release, npm applies it at install (root postinstall), and the gateway installs patch-package', () => {
    const patch = readFileSync(join(ROOT, PATCH), 'utf8');
    const files = [...patch.matchAll(/^diff --git a\/node_modules\/(\S+) /gm)].map((m) => m[1]);
    expect(files.sort()).toEqual([EXECUTE_QUERY_PLAN, RESULT_SHAPING].sort());
    for (const part of patch.split(/^diff --git /m).slice(1)) expect(part).toMatch(new RegExp(`^\\+\\s*// ${PATCH_MARKER}`, 'm'));
    expect(json('package.json').scripts.postinstall).toBe('sh scripts/apply-patches.sh');
    expect(json('gateway/package.json').dependencies['patch-package']).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('the patch is applied in this install: Apollo\'s executor calls the seam', () => {
    expect(unpatched()).toBe('');
    expect(readFileSync(require.resolve(EXECUTE_QUERY_PLAN), 'utf8')).toContain('(0, resultShaping_1.shapeResponse)({');
    expect(readFileSync(require.resolve(EXECUTE_QUERY_PLAN), 'utf8')).toContain('(0, resultShaping_1.operationFor)(apiSchema, operationContext.operation, () =>');
  });

  it('a file without the marker, or missing, is named', () => {
    expect(unpatched(['@apollo/gateway/dist/index.js', '@apollo/gateway/dist/nope.js'])).toBe(
      `${PATCH} is not applied to @apollo/gateway/dist/index.js, @apollo/gateway/dist/nope.js (npm ci applies it: root postinstall)`,
    );
  });

  it('on that release, the seam runs the compiled walk, and off runs Apollo\'s own', () => {
    const log = logger();
    expect(applyApolloInternals({ compiledShaping: true }, log, seams)).toEqual({ installed: true, switches: { compiledShaping: true } });
    expect(shapedBy()).toBe('compiled');
    expect(applyApolloInternals({ compiledShaping: false }, log, seams)).toEqual({ installed: true, switches: { compiledShaping: false } });
    expect(shapedBy()).toBe('apollo');
    applyApolloInternals({ compiledShaping: true }, log, seams);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('on, the executor gets one Operation per parsed operation (operationFor); off, a new one per request as published', () => {
    const document = parse('{ movie { id } }');
    const node = document.definitions[0]!;
    const build = jest.fn(() => operationFromDocument(schema, document, { validate: true }));
    applyApolloInternals({ compiledShaping: true }, logger(), seams);
    expect(resultShaping().operationFor(schema, node, build)).toBe(resultShaping().operationFor(schema, node, build));
    expect(build).toHaveBeenCalledTimes(1);
    applyApolloInternals({ compiledShaping: false }, logger(), seams);
    expect(resultShaping().operationFor(schema, node, build)).not.toBe(resultShaping().operationFor(schema, node, build));
    expect(build).toHaveBeenCalledTimes(3);
    applyApolloInternals({ compiledShaping: true }, logger(), seams);
  });

  it.each([
    ['another release (the patched files are not even read)', { versions: other }, '@apollo/gateway 2.15.0 (made for 2.14.4)'],
    ['the patch not applied', { unpatched: () => `${PATCH} is not applied to ${RESULT_SHAPING}` }, `${PATCH} is not applied to ${RESULT_SHAPING}`],
  ])('with %s, Apollo stays as published (its private modules are not loaded) with one warning', (_name, differs, reason) => {
    applyApolloInternals({ compiledShaping: true }, logger(), seams);
    const log = logger();
    const read = jest.fn(unpatched);
    const load = jest.fn(resultShaping);
    // Asks for the walk off: refused, what was set stays.
    const state = applyApolloInternals({ compiledShaping: false }, log, { ...seams, unpatched: read, resultShaping: load, ...differs });
    expect(state).toEqual({ installed: false, reason });
    expect(load).not.toHaveBeenCalled();
    if ('versions' in differs) expect(read).not.toHaveBeenCalled();
    expect(shapedBy()).toBe('compiled');
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]![1]).toBe(`Apollo runs as published, without the gateway's changes to its internals (slower, same answers): ${reason}; see gateway/src/apollo-internals/README.md`);
  });

  it('names every package that differs', () => {
    expect(versionMismatch(MADE_FOR)).toBe('');
    expect(versionMismatch({ '@apollo/gateway': '2.14.5', '@apollo/federation-internals': '2.15.0' })).toBe(
      '@apollo/gateway 2.14.5 (made for 2.14.4), @apollo/federation-internals 2.15.0 (made for 2.14.4)',
    );
  });

  it('per process: after a refusal, later gateways in the same process log nothing more and change nothing', () => {
    applyApolloInternals({ compiledShaping: true }, logger(), seams);
    const log = logger();
    for (let i = 0; i < 3; i++) expect(installApolloInternals({ compiledShaping: false }, log, { versions: other })).toMatchObject({ installed: false });
    expect(installApolloInternals({ compiledShaping: false }, log)).toMatchObject({ installed: false });
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(shapedBy()).toBe('compiled');
  });
});
