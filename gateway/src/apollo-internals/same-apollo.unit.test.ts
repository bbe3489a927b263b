import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger, testGatewaySecurity } from '@cinema/testing';
import { createGatewayServer } from '../server';
import { runningApollo } from './running';

const SUPERGRAPH = join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql');

// As `npm start` builds it: a gateway server (never started), then what Apollo code runs.
const probe = `
  const { readFileSync } = require('node:fs');
  const { silentLogger, testGatewaySecurity } = require('@cinema/testing');
  const { createGatewayServer } = require(${JSON.stringify(join(__dirname, '..', 'server.ts'))});
  const { runningApollo } = require(${JSON.stringify(join(__dirname, 'running.ts'))});
  createGatewayServer({ supergraphSdl: readFileSync(${JSON.stringify(SUPERGRAPH)}, 'utf8'), logger: silentLogger, ...testGatewaySecurity() });
  console.log(JSON.stringify(runningApollo()));
  process.exit(0);
`;

describe('the same Apollo code under jest as in a Node process', () => {
  it('a gateway built in a jest test runs what `node --import tsx` runs: the same patched files, the same shaper', () => {
    createGatewayServer({ supergraphSdl: readFileSync(SUPERGRAPH, 'utf8'), logger: silentLogger, ...testGatewaySecurity() });
    const underJest = runningApollo();
    expect(underJest).toMatchObject({ patched: true, internals: { installed: true }, shaper: 'compiled', apolloAsOnDisk: true });

    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', probe], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' });
    const underNode = JSON.parse(out.trim().split('\n').pop()!);
    expect(underNode).toEqual(underJest);
  }, 120_000); // a second Node process compiling the gateway with tsx: seconds, many on a busy machine
});
