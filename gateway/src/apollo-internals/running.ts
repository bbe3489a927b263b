/**
 * Which Apollo code this process runs, as data: the same-bytes test compares it under jest and under
 * `node --import tsx` (production's loader), so that a change that applies in one and not the other
 * (as a rewrite at load once did: jest's loader went past it) fails a test.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as fed from '@apollo/federation-internals';
import { RESULT_SHAPING, resultShaping } from './apollo-modules';
import { apolloComputeResponse, apolloInternals } from '.';
import { installedVersions } from './versions';

export function runningApollo() {
  const file = readFileSync(require.resolve(RESULT_SHAPING), 'utf8');
  const module = resultShaping();
  const apollo = apolloComputeResponse(module);
  const assertExport = Object.getOwnPropertyDescriptor(fed, 'assert');
  return {
    versions: installedVersions(),
    internals: apolloInternals(),
    computeResponse: module.computeResponse === apollo ? 'apollo' : 'compiled',
    resultShapingSha256: createHash('sha256').update(file).digest('hex'),
    // Apollo's function as loaded is the file's text: nothing rewrote it on the way in.
    apolloAsOnDisk: file.includes(apollo.toString()),
    // federation-internals' index re-exports through getters, as published (nothing flattens them).
    federationInternalsExports: assertExport?.get ? 'getters' : 'values',
  };
}
