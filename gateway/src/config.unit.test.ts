import { loadGatewayConfig } from './config';

const secrets = { GATEWAY_SIGNING_SECRET: 's'.repeat(32), JWT_SECRET: 'j'.repeat(32) };
const messageOf = (env: NodeJS.ProcessEnv) => {
  try {
    loadGatewayConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
};

describe('gateway configuration', () => {
  it('defaults to port 4000, the committed supergraph and every abuse limit on', () => {
    const config = loadGatewayConfig(secrets);
    expect(config.PORT).toBe(4000);
    expect(config.SUPERGRAPH_PATH).toMatch(/schema[/\\]supergraph\.graphql$/);
    expect(config.subgraphUrls).toEqual({});
    expect(config.tokens).toMatchObject({ algorithms: ['HS256'], issuer: 'cinema-dev', audience: 'cinema-graph', clockToleranceSeconds: 5 });
    for (const value of Object.values(config.limits)) expect(value).toBeGreaterThan(0);
  });

  it('takes another supergraph, port and routing URLs for any subgraph name', () => {
    const config = loadGatewayConfig({
      ...secrets,
      PORT: '5050',
      SUPERGRAPH_PATH: '/tmp/other.graphql',
      SUBGRAPH_URL_INVENTORY: 'http://inventory:8080/graphql',
    });
    expect(config).toMatchObject({ PORT: 5050, SUPERGRAPH_PATH: '/tmp/other.graphql' });
    expect(config.subgraphUrls).toEqual({ inventory: 'http://inventory:8080/graphql' });
  });

  it('bounds answers in bytes: 16 MiB by default, any size in b, kb, mb or gb', () => {
    expect(loadGatewayConfig(secrets)).toMatchObject({ subgraphResponseLimit: 16 * 1024 ** 2, responseLimit: 16 * 1024 ** 2 });
    expect(loadGatewayConfig({ ...secrets, SUBGRAPH_RESPONSE_LIMIT: '512kb', RESPONSE_LIMIT: '2MB' })).toMatchObject({ subgraphResponseLimit: 512 * 1024, responseLimit: 2 * 1024 ** 2 });
    expect(messageOf({ ...secrets, RESPONSE_LIMIT: 'lots' })).toMatch(/RESPONSE_LIMIT: e\.g\. 512kb or 16mb/);
  });

  it('has breakers and one read retry by default, both configurable', () => {
    expect(loadGatewayConfig(secrets).resilience).toEqual({ breakerFailures: 5, breakerOpenMs: 1_000, readRetries: 1 });
    const off = loadGatewayConfig({ ...secrets, SUBGRAPH_BREAKER_FAILURES: '0', SUBGRAPH_BREAKER_OPEN_MS: '5000', SUBGRAPH_READ_RETRIES: '0' });
    expect(off.resilience).toEqual({ breakerFailures: 0, breakerOpenMs: 5_000, readRetries: 0 });
    expect(messageOf({ ...secrets, SUBGRAPH_BREAKER_OPEN_MS: '10', SUBGRAPH_READ_RETRIES: 'twice' })).toMatch(/SUBGRAPH_BREAKER_OPEN_MS[\s\S]*SUBGRAPH_READ_RETRIES/);
  });

  it('names every invalid variable in one clear message', () => {
    const message = messageOf({ PORT: 'abc', NODE_ENV: 'prod' });
    expect(message).toMatch(/PORT: must be a port number/);
    expect(message).toMatch(/NODE_ENV: .*"production"/);
    expect(message).toMatch(/GATEWAY_SIGNING_SECRET_<NAME>: is required for each subgraph/);
    expect(() => loadGatewayConfig({ ...secrets, SUBGRAPH_URL_USERS: 'users:4001' })).toThrow(/SUBGRAPH_URL_USERS: must be an http/);
  });

  it('needs exactly one way to verify tokens, and no weak secret', () => {
    expect(messageOf({ GATEWAY_SIGNING_SECRET: secrets.GATEWAY_SIGNING_SECRET })).toMatch(/exactly one of JWT_SECRET .* and JWT_JWKS_URL/);
    expect(messageOf({ ...secrets, JWT_JWKS_URL: 'https://idp.example/jwks.json' })).toMatch(/exactly one/);
    expect(messageOf({ ...secrets, JWT_SECRET: 'short' })).toMatch(/JWT_SECRET: must be at least 32/);
    expect(messageOf({ ...secrets, GATEWAY_SIGNING_SECRET: 'short' })).toMatch(/GATEWAY_SIGNING_SECRET: must be at least 32/);
  });

  it('refuses algorithms that do not fit the key (no "none", no HS256 with a JWKS)', () => {
    expect(messageOf({ ...secrets, JWT_ALGORITHMS: 'none' })).toMatch(/JWT_ALGORITHMS: none is not one of HS256/);
    expect(messageOf({ ...secrets, JWT_ALGORITHMS: 'RS256' })).toMatch(/RS256 is not one of/);
    const jwks = { GATEWAY_SIGNING_SECRET: secrets.GATEWAY_SIGNING_SECRET, JWT_JWKS_URL: 'https://idp.example/jwks.json' };
    expect(messageOf({ ...jwks, JWT_ALGORITHMS: 'HS256' })).toMatch(/HS256 is not one of RS256/);
    expect(loadGatewayConfig(jwks).tokens.algorithms).toEqual(['RS256', 'ES256']);
  });

  it('signs each subgraph\'s requests with its own key; production refuses a key shared by all, or two the same', () => {
    const keys = { GATEWAY_SIGNING_SECRET_USERS: 'u'.repeat(32), GATEWAY_SIGNING_SECRET_MOVIES: 'm'.repeat(32), GATEWAY_SIGNING_SECRET_PREVIOUS: 'p'.repeat(32) };
    expect(loadGatewayConfig({ ...keys, JWT_SECRET: secrets.JWT_SECRET }).signingKeys).toEqual({ users: 'u'.repeat(32), movies: 'm'.repeat(32) });
    expect(messageOf({ ...keys, GATEWAY_SIGNING_SECRET_CATALOG: 'short', JWT_SECRET: secrets.JWT_SECRET })).toMatch(/GATEWAY_SIGNING_SECRET_CATALOG: must be at least 32/);
    const production = { NODE_ENV: 'production', JWT_JWKS_URL: 'https://idp.example/jwks.json', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' };
    expect(loadGatewayConfig({ ...production, ...keys }).production).toBe(true);
    expect(messageOf({ ...production, GATEWAY_SIGNING_SECRET: secrets.GATEWAY_SIGNING_SECRET })).toMatch(/GATEWAY_SIGNING_SECRET: one key shared by every subgraph is refused in production/);
    expect(messageOf({ ...production, ...keys, GATEWAY_SIGNING_SECRET_CATALOG: 'u'.repeat(32) })).toMatch(/each subgraph needs a key of its own/);
  });

  it('in production wants a JWKS, an issuer and an audience', () => {
    const message = messageOf({ ...secrets, NODE_ENV: 'production' });
    expect(message).toMatch(/JWT_JWKS_URL: is required in production/);
    expect(message).toMatch(/JWT_ISSUER: is required in production/);
    expect(message).toMatch(/JWT_AUDIENCE: is required in production/);
    const ok = loadGatewayConfig({
      GATEWAY_SIGNING_SECRET_USERS: secrets.GATEWAY_SIGNING_SECRET,
      NODE_ENV: 'production',
      JWT_JWKS_URL: 'https://idp.example/jwks.json',
      JWT_ISSUER: 'https://idp.example/',
      JWT_AUDIENCE: 'cinema',
    });
    expect(ok.production).toBe(true);
    expect(messageOf({ GATEWAY_SIGNING_SECRET_USERS: secrets.GATEWAY_SIGNING_SECRET, NODE_ENV: 'production', JWT_JWKS_URL: 'http://idp.example/jwks.json', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' })).toMatch(/JWT_JWKS_URL: must be https/);
  });

  it('reads TRUST_PROXY as a flag, a hop count or addresses', () => {
    expect(loadGatewayConfig(secrets).trustProxy).toBe(false);
    expect(loadGatewayConfig({ ...secrets, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadGatewayConfig({ ...secrets, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(messageOf({ ...secrets, TRUST_PROXY: 'yes please!' })).toMatch(/TRUST_PROXY/);
  });

  it('reads the switch for our change to Apollo\'s internals (on by default), for server.ts to pass on', () => {
    expect(loadGatewayConfig(secrets).apolloInternals).toEqual({ compiledShaping: true });
    expect(loadGatewayConfig({ ...secrets, GATEWAY_COMPILED_SHAPING: 'off' }).apolloInternals).toEqual({ compiledShaping: false });
    expect(messageOf({ ...secrets, GATEWAY_COMPILED_SHAPING: 'no' })).toMatch(/GATEWAY_COMPILED_SHAPING/);
  });

  it('keeps the response cache off unless asked, and in production wants its broker named, logged in as the gateway\'s own user', () => {
    expect(loadGatewayConfig(secrets).responseCache).toBeUndefined();
    const on = loadGatewayConfig({ ...secrets, RESPONSE_CACHE: 'on', RESPONSE_CACHE_MAX_MB: '8', RESPONSE_CACHE_TTL_S: '30' });
    expect(on.responseCache).toEqual({ maxBytes: 8 * 2 ** 20, ttlMs: 30_000 });
    expect(on.amqpUrl).toBe('amqp://guest:guest@127.0.0.1:5672');
    const production = { GATEWAY_SIGNING_SECRET_USERS: secrets.GATEWAY_SIGNING_SECRET, NODE_ENV: 'production', JWT_JWKS_URL: 'https://idp.example/jwks.json', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', RESPONSE_CACHE: 'on' };
    expect(messageOf(production)).toMatch(/AMQP_URL: is required in production with RESPONSE_CACHE=on/);
    expect(loadGatewayConfig({ ...production, AMQP_URL: 'amqps://cinema-gateway:p@broker:5671' }).amqpUrl).toBe('amqps://cinema-gateway:p@broker:5671');
    expect(messageOf({ ...production, AMQP_URL: 'amqp://guest:guest@broker:5672' })).toMatch(/AMQP_URL: logs in as guest, which is refused in production: use the service's own broker user \(cinema-gateway\)/);
    expect(messageOf({ ...production, AMQP_URL: 'amqp://cinema-users:p@broker:5672' })).toMatch(/logs in as "cinema-users": this service's broker user is "cinema-gateway"/);
    expect(loadGatewayConfig({ ...production, AMQP_URL: 'amqp://acme-gateway:p@broker', AMQP_USER_PREFIX: 'acme-' }).amqpUserPrefix).toBe('acme-');
    expect(messageOf({ ...secrets, RESPONSE_CACHE: 'yes' })).toMatch(/RESPONSE_CACHE/);
  });

  it('serves subscriptions with bounded limits; in production only with a broker named', () => {
    const dev = loadGatewayConfig({ ...secrets, SUBSCRIPTION_MAX_BUFFERED: '256kb', SUBSCRIPTION_MAX_PER_CONNECTION: '10' });
    expect(dev.subscriptions).toMatchObject({ initTimeoutMs: 3_000, maxPerConnection: 10, maxPerClient: 1_000, maxQueued: 64, maxBufferedBytes: 256 * 1024, maxPayloadBytes: 256 * 1024 });
    expect(loadGatewayConfig({ ...secrets, SUBSCRIPTIONS: 'off' }).subscriptions).toBeUndefined();
    expect(messageOf({ ...secrets, SUBSCRIPTION_INIT_TIMEOUT_MS: '120000' })).toMatch(/SUBSCRIPTION_INIT_TIMEOUT_MS/);
    expect(messageOf({ ...secrets, SUBSCRIPTION_MAX_PAYLOAD: 'lots' })).toMatch(/SUBSCRIPTION_MAX_PAYLOAD/);
    const production = { GATEWAY_SIGNING_SECRET_USERS: secrets.GATEWAY_SIGNING_SECRET, NODE_ENV: 'production', JWT_JWKS_URL: 'https://idp.example/jwks.json', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' };
    expect(loadGatewayConfig(production).subscriptions).toBeUndefined();
    expect(messageOf({ ...production, SUBSCRIPTIONS: 'on' })).toMatch(/AMQP_URL: is required in production with SUBSCRIPTIONS=on/);
    expect(loadGatewayConfig({ ...production, AMQP_URL: 'amqps://cinema-gateway:p@broker:5671' }).subscriptions).toBeDefined();
    expect(messageOf({ ...production, AMQP_URL: 'amqp://guest:guest@broker:5672' })).toMatch(/AMQP_URL: logs in as guest/);
  });
});
