import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fastResultObjects } from './fast-result-objects';

// Node's own module loader, as in production: jest loads modules its own way, past the hook.
const probe = `
  const hook = require(${JSON.stringify(join(__dirname, 'fast-result-objects.ts'))});
  require('@apollo/gateway');
  const { computeResponse } = require('@apollo/gateway/dist/resultShaping.js');
  console.log(JSON.stringify({ applied: hook.applied, rewritten: computeResponse.toString().includes('new __ResultObject()') }));
`;
const run = (env: NodeJS.ProcessEnv = {}) =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', probe], { cwd: join(__dirname, '..'), env: { ...process.env, ...env }, encoding: 'utf8' }).trim().split('\n').pop()!);

describe("fast result objects (Apollo's result shaping without dictionary-mode objects)", () => {
  it('is applied to @apollo/gateway as Node loads it, and GATEWAY_FAST_RESULT_OBJECTS=off leaves it alone', () => {
    // Fails when @apollo/gateway moves or renames resultShaping.js, or stops creating its objects this way.
    expect(run()).toEqual({ applied: true, rewritten: true });
    expect(run({ GATEWAY_FAST_RESULT_OBJECTS: 'off' })).toEqual({ applied: false, rewritten: false });
  });

  it('rewrites every Object.create(null) and keeps "use strict" first', () => {
    const out = fastResultObjects('"use strict";\nconst a = Object.create(null);\nconst b = Object.create(null);\n');
    expect(out.startsWith('"use strict";\n')).toBe(true);
    expect(out).not.toContain('Object.create(null);\nconst');
    expect(out.match(/new __ResultObject\(\)/g)).toHaveLength(2);
  });

  it('makes objects that behave as null-prototype ones: `__proto__` is an own key, no inherited names', () => {
    const make = new Function(`${fastResultObjects('')}; return new __ResultObject();`) as () => Record<string, unknown>;
    const o = make();
    o['__proto__'] = 'an alias';
    o['toString'] = 'a field';
    expect(Object.keys(o)).toEqual(['__proto__', 'toString']);
    expect(JSON.parse(JSON.stringify(o))).toEqual({ ['__proto__']: 'an alias', toString: 'a field' });
    expect('hasOwnProperty' in make()).toBe(false);
  });
});
