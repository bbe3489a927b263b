import { silentLogger, testGatewaySecurity } from '@cinema/testing';
import { startToyGraph } from '@cinema/testing/toy-graph';
import { createGatewayServer, type GatewayServerOptions } from '../server';

export type Toy = Awaited<ReturnType<typeof startToyGraph>>;
export { startToyGraph };

type Overrides = Partial<Omit<GatewayServerOptions, 'limits'>> & { limits?: Partial<GatewayServerOptions['limits']> };

/** For *.int.test.ts: a real gateway over the toy subgraph (real HTTP, signed), stopped after `run`. */
export async function withGateway(toy: Toy, overrides: Overrides, run: (url: string) => Promise<void>) {
  const security = testGatewaySecurity();
  const gateway = createGatewayServer({
    supergraphSdl: toy.supergraphSdl,
    logger: silentLogger,
    ...security,
    ...overrides,
    limits: { ...security.limits, ...overrides.limits },
  });
  const url = await gateway.listen(0, '127.0.0.1');
  try {
    await run(url);
  } finally {
    await gateway.stop();
  }
}
