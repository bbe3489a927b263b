import { loadGatewayConfig } from './config';

describe('gateway configuration', () => {
  it('defaults to port 4000 and the committed supergraph', () => {
    const config = loadGatewayConfig({});
    expect(config.PORT).toBe(4000);
    expect(config.SUPERGRAPH_PATH).toMatch(/schema[/\\]supergraph\.graphql$/);
    expect(config.subgraphUrls).toEqual({});
  });

  it('takes another supergraph, port and routing URLs for any subgraph name', () => {
    const config = loadGatewayConfig({
      PORT: '5050',
      SUPERGRAPH_PATH: '/tmp/other.graphql',
      SUBGRAPH_URL_INVENTORY: 'http://inventory:8080/graphql',
    });
    expect(config).toMatchObject({ PORT: 5050, SUPERGRAPH_PATH: '/tmp/other.graphql' });
    expect(config.subgraphUrls).toEqual({ inventory: 'http://inventory:8080/graphql' });
  });

  it('names every invalid variable in one clear message', () => {
    let message = '';
    try {
      loadGatewayConfig({ PORT: 'abc', NODE_ENV: 'prod' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/PORT: must be a port number/);
    expect(message).toMatch(/NODE_ENV: .*"production"/);
    expect(() => loadGatewayConfig({ SUBGRAPH_URL_USERS: 'users:4001' })).toThrow(/SUBGRAPH_URL_USERS: must be an http/);
  });
});
