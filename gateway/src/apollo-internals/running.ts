/**
 * Which Apollo code this process runs, as data: the same-bytes test compares it under jest and under
 * `node --import tsx` (the development loader; the compiled build's test runs it under plain node), so
 * that a change that applies in one and not the other (as a rewrite at load once did: jest's loader
 * went past it) fails a test.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as fed from '@apollo/federation-internals';
import { EXECUTE_QUERY_PLAN, RESULT_SHAPING, resultShaping, unpatched } from './apollo-modules';
import { apolloInternals } from '.';
import { installedVersions } from './versions';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function runningApollo() {
  const resultShapingFile = readFileSync(require.resolve(RESULT_SHAPING), 'utf8');
  const module = resultShaping();
  const internals = apolloInternals();
  return {
    versions: installedVersions(),
    patched: unpatched() === '',
    internals,
    shaper: internals?.installed && internals.switches.compiledShaping ? 'compiled' : 'apollo',
    resultShapingSha256: sha256(resultShapingFile),
    executeQueryPlanSha256: sha256(readFileSync(require.resolve(EXECUTE_QUERY_PLAN), 'utf8')),
    // The functions as loaded are the file's text: nothing rewrote it on the way in.
    apolloAsOnDisk: [module.computeResponse, module.shapeResponse, module.setResponseShaper].every((f) => resultShapingFile.includes(f.toString())),
    // federation-internals' index re-exports through getters, as published (nothing flattens them).
    federationInternalsExports: Object.getOwnPropertyDescriptor(fed, 'assert')?.get ? 'getters' : 'values',
  };
}
