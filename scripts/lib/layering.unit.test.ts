import { join } from 'node:path';
import { readTree, type Tree, type Workspace } from './import-graph';
import { cycles, layeringViolations } from './layering';

const ws = (dir: string, dependencies: Record<string, string> = {}): Workspace => ({
  name: `@cinema/${dir.split('/').pop()}`,
  dir,
  pkg: { main: 'src/index.ts', exports: { '.': './src/index.ts' }, dependencies },
});
const WORKSPACES = [
  ws('packages/events', { zod: '*' }),
  ws('packages/config'),
  ws('packages/serving', { '@cinema/config': '*' }),
  ws('packages/messaging', { '@cinema/config': '*', '@cinema/events': '*' }),
  ws('packages/testing', { '@cinema/serving': '*' }),
  ws('gateway', { '@cinema/serving': '*' }),
  ws('subgraphs/users', { '@cinema/serving': '*' }),
  ws('subgraphs/movies'),
];
/** A small tree that keeps every rule, plus the files given. */
const tree = (extra: Record<string, string> = {}): Tree => ({
  workspaces: WORKSPACES,
  files: new Map(Object.entries({
    'packages/events/src/index.ts': "import { z } from 'zod';\nexport const a = z.string();",
    'packages/config/src/index.ts': "import { readFileSync } from 'node:fs';\nexport const b = 1;",
    'packages/serving/src/index.ts': "export { http } from './http';",
    'packages/serving/src/http.ts': "import { b } from '@cinema/config';\nexport const http = b;",
    'packages/messaging/src/index.ts': "import { a } from '@cinema/events';\nimport { b } from '@cinema/config';",
    'packages/messaging/src/relay.int.test.ts': "import { gql } from '@cinema/testing';",
    'packages/testing/src/index.ts': "import { http } from '@cinema/serving';",
    'subgraphs/users/src/index.ts': "import { http } from '@cinema/serving';",
    'gateway/src/index.ts': "import { http } from '@cinema/serving';",
    'e2e/support/seed.ts': "import { gql } from '@cinema/testing';",
    'e2e/stack.e2e.test.ts': "import { seed } from './support/seed';\nimport '../subgraphs/users/src/index';",
    'scripts/chaos.ts': "import { gql } from '@cinema/testing';",
    ...extra,
  })),
});

describe('layering rules', () => {
  it('accept a tree that keeps them', () => {
    expect(layeringViolations(tree())).toEqual([]);
  });

  it.each([
    ['an import from e2e/ outside it', { 'scripts/chaos.ts': "import { seed } from '../e2e/support/seed';" }, /nothing outside e2e/],
    ['a gateway test importing e2e/ helpers', { 'gateway/src/server.int.test.ts': "import { seed } from '../../e2e/support/seed';" }, /nothing outside e2e/],
    ['a subgraph importing another', { 'subgraphs/movies/src/x.ts': "import { u } from '../../users/src/index';" }, /imports no other service/],
    ['a subgraph importing one by name', { 'subgraphs/movies/src/x.ts': "import { u } from '@cinema/users';" }, /imports no other service/],
    ['a subgraph importing the gateway', { 'subgraphs/users/src/x.ts': "import { g } from '@cinema/gateway';" }, /imports no other service/],
    ['the gateway importing a subgraph', { 'gateway/src/x.ts': "import { u } from '../../subgraphs/users/src/index';" }, /the gateway imports no subgraph/],
    ['a package importing the gateway', { 'packages/config/src/x.ts': "import { g } from '@cinema/gateway';" }, [/a package imports only packages/, /import cycle between packages: .*@cinema\/gateway/]],
    ['a package importing a script', { 'packages/config/src/x.ts': "import { c } from '../../../scripts/chaos';" }, /a package imports only packages/],
    ['a package importing a higher one', { 'packages/config/src/x.ts': "import { http } from '@cinema/serving';" }, [/config may import only packages below it/, /import cycle between packages: .*@cinema\/config/]],
    ['a package importing the test helpers', { 'packages/serving/src/x.ts': "import { gql } from '@cinema/testing';" }, [/serving may import only packages below it/, /import cycle between packages: .*@cinema\/testing/]],
    ['an undeclared dependency', { 'packages/serving/src/x.ts': "import express from 'express';" }, /express is not in packages\/serving\/package.json/],
    ['`export *` in a package', { 'packages/serving/src/index.ts': "export * from './http';" }, /`export \*` in a package/],
    ['a cycle between two files', { 'packages/serving/src/http.ts': "import { l } from './logging';\nexport const http = 1;", 'packages/serving/src/logging.ts': "import type { http } from './http';" }, /import cycle between files: packages\/serving\/src\/http.ts, packages\/serving\/src\/logging.ts/],
  ])('catch %s', (_, files, messages) => {
    expect(layeringViolations(tree(files))).toEqual([messages].flat().map((m) => expect.stringMatching(m)));
  });

  it('find every cycle, however long, and only cycles', () => {
    expect(cycles([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd'], ['d', 'd'], ['e', 'a']])).toEqual([['d'], ['a', 'b', 'c']]);
    expect(cycles([['a', 'b'], ['b', 'c'], ['a', 'c']])).toEqual([]);
  });
});

describe('this repository', () => {
  it('keeps every layering rule', () => {
    expect(layeringViolations(readTree(join(__dirname, '..', '..')))).toEqual([]);
  });
});
