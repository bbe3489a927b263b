import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultShaping } from './apollo-modules';
import { apolloComputeResponse, applyApolloInternals, installApolloInternals } from '.';
import { installedVersions, MADE_FOR, versionMismatch } from './versions';

const logger = () => ({ warn: jest.fn() });
const other = { '@apollo/gateway': '2.15.0', '@apollo/federation-internals': '2.14.4' };

describe("Apollo's internals: changed only on the release they were made for", () => {
  it('the installed release is the one this was made for, and gateway/package.json pins both exactly', () => {
    expect(installedVersions()).toEqual(MADE_FOR);
    const { dependencies } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const [name, version] of Object.entries(MADE_FOR)) expect(dependencies[name]).toBe(version);
  });

  it('on that release, the compiled walk replaces computeResponse, and off puts Apollo\'s own back', () => {
    const apollo = apolloComputeResponse();
    const log = logger();
    expect(applyApolloInternals({ compiledShaping: true }, log, { versions: MADE_FOR, resultShaping })).toEqual({ installed: true, switches: { compiledShaping: true } });
    expect(resultShaping().computeResponse).not.toBe(apollo);
    expect(apolloComputeResponse()).toBe(apollo);
    applyApolloInternals({ compiledShaping: false }, log, { versions: MADE_FOR, resultShaping });
    expect(resultShaping().computeResponse).toBe(apollo);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it("Apollo's executor reads computeResponse from resultShaping's exports at each call, so what is set there runs", () => {
    const executor = readFileSync(require.resolve('@apollo/gateway/dist/executeQueryPlan.js'), 'utf8');
    expect(executor).toContain('const resultShaping_1 = require("./resultShaping");');
    expect(executor).toContain('(0, resultShaping_1.computeResponse)({');
  });

  it('on another release, Apollo stays as published (its private modules are not even loaded) with one warning', () => {
    const log = logger();
    const seam = jest.fn(resultShaping);
    const before = resultShaping().computeResponse;
    const state = applyApolloInternals({ compiledShaping: true }, log, { versions: other, resultShaping: seam });
    expect(state).toEqual({ installed: false, reason: '@apollo/gateway 2.15.0 (made for 2.14.4)' });
    expect(seam).not.toHaveBeenCalled();
    expect(resultShaping().computeResponse).toBe(before);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]![1]).toMatch(/^Apollo runs as published, .*@apollo\/gateway 2\.15\.0 \(made for 2\.14\.4\)/);
  });

  it('names every package that differs', () => {
    expect(versionMismatch(MADE_FOR)).toBe('');
    expect(versionMismatch({ '@apollo/gateway': '2.14.5', '@apollo/federation-internals': '2.15.0' })).toBe(
      '@apollo/gateway 2.14.5 (made for 2.14.4), @apollo/federation-internals 2.15.0 (made for 2.14.4)',
    );
  });

  it('per process: after a mismatch, later gateways in the same process log nothing more and change nothing', () => {
    const log = logger();
    const before = resultShaping().computeResponse;
    for (let i = 0; i < 3; i++) expect(installApolloInternals({ compiledShaping: true }, log, other)).toMatchObject({ installed: false });
    expect(installApolloInternals({ compiledShaping: true }, log)).toMatchObject({ installed: false });
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(resultShaping().computeResponse).toBe(before);
  });
});
