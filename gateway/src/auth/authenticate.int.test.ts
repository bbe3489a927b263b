import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { bearer, errorCodes, gql, mintToken, TEST_JWT_SECRET } from '@cinema/testing';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { TOY_SDL } from '@cinema/testing/toy-graph';
import { startToyGraph, withGateway, type Toy } from '../test-support/toy-gateway';

let toy: Toy;
beforeAll(async () => {
  toy = await startToyGraph();
});
afterAll(() => toy.subgraph.stop());

/** Sends `query` with these headers and says how many requests reached the subgraph meanwhile. */
async function call(url: string, query: string, headers: Record<string, string> = {}) {
  const before = toy.requests();
  const res = await gql(url, query, undefined, headers);
  return { ...res, subgraphCalls: toy.requests() - before };
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe('gateway identity: JWT verified with jose before anything runs', () => {
  it('lets anonymous callers read public fields and refuses protected ones without calling the subgraph', async () => {
    await withGateway(toy, {}, async (url) => {
      expect((await call(url, '{ hello(name: "anyone") }')).data).toEqual({ hello: 'hello, anyone' });
      const refused = await call(url, '{ secret }');
      expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
      expect(refused.errors![0]!.message).toMatch(/Query\.secret .*requires authentication/);
      expect(refused.subgraphCalls).toBe(0);
    });
  });

  it('accepts a valid token and applies its scopes', async () => {
    await withGateway(toy, {}, async (url) => {
      const admin = await call(url, '{ secret }', bearer(await mintToken({ sub: 'u1', scopes: ['admin'] })));
      expect(admin.data).toEqual({ secret: 'for admins' });
      const user = await call(url, '{ secret }', bearer(await mintToken({ sub: 'u2', scopes: ['reader'] })));
      expect(errorCodes(user)).toEqual(['FORBIDDEN']);
      expect(user.errors![0]!.message).toMatch(/requires the scope admin/);
      expect(user.subgraphCalls).toBe(0);
    });
  });

  it('refuses every bad or malformed token with 401, before any subgraph call', async () => {
    const valid = await mintToken({ sub: 'u1', scopes: [] });
    const [header, payload] = valid.split('.');
    const claims = { sub: 'u1', scope: 'admin', iss: 'cinema-dev', aud: 'cinema-graph', iat: now(), exp: now() + 600 };
    const cases: Record<string, string> = {
      expired: `Bearer ${await mintToken({ sub: 'u1', expiresIn: -60 })}`,
      'wrong issuer': `Bearer ${await mintToken({ sub: 'u1', issuer: 'someone-else' })}`,
      'wrong audience': `Bearer ${await mintToken({ sub: 'u1', audience: 'another-api' })}`,
      'alg none': `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
      'tampered payload': `Bearer ${header}.${b64(claims)}.${valid.split('.')[2]}`,
      'wrong key': `Bearer ${await mintToken({ sub: 'u1', secret: 'another-secret-that-is-long-enough-000000' })}`,
      'algorithm not allowed (HS512)': `Bearer ${await mintToken({ sub: 'u1', alg: 'HS512' })}`,
      'no subject': `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('cinema-dev').setAudience('cinema-graph').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_JWT_SECRET))}`,
      'no expiry': `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setIssuer('cinema-dev').setAudience('cinema-graph').sign(new TextEncoder().encode(TEST_JWT_SECRET))}`,
      'not a JWT': 'Bearer not-a-token',
      'another scheme': `Basic ${Buffer.from('admin:admin').toString('base64')}`,
      'empty bearer': 'Bearer ',
      'truncated': `Bearer ${header}.${payload}`,
    };
    await withGateway(toy, {}, async (url) => {
      for (const [name, authorization] of Object.entries(cases)) {
        const res = await call(url, '{ hello(name: "x") }', { authorization });
        expect({ name, status: res.status, codes: errorCodes(res), data: res.data ?? null, calls: res.subgraphCalls }).toEqual({
          name, status: 401, codes: ['UNAUTHENTICATED'], data: null, calls: 0,
        });
      }
    });
  });

  it('tolerates a few seconds of clock skew, no more', async () => {
    await withGateway(toy, {}, async (url) => {
      const justExpired = await call(url, '{ secret }', bearer(await mintToken({ sub: 'u1', scopes: ['admin'], expiresIn: -2 })));
      expect(justExpired.data).toEqual({ secret: 'for admins' });
      const longExpired = await call(url, '{ secret }', bearer(await mintToken({ sub: 'u1', scopes: ['admin'], expiresIn: -30 })));
      expect(longExpired.status).toBe(401);
      expect(longExpired.errors![0]!.message).toBe('token expired');
    });
  });

  it('never trusts identity headers a client sends', async () => {
    await withGateway(toy, {}, async (url) => {
      const forged = Buffer.from(JSON.stringify({ sub: 'root', scopes: ['admin'] })).toString('base64url');
      const headers = { 'x-gateway-identity': forged, 'x-user-id': 'root', 'x-scopes': 'admin' };
      expect(errorCodes(await call(url, '{ secret }', headers))).toEqual(['UNAUTHENTICATED']);
      // On a public field the request reaches the subgraph: it must arrive as anonymous.
      expect((await call(url, '{ whoami }', headers)).data).toEqual({ whoami: 'anonymous' });
      // With a token, the subgraph sees exactly the token's identity, not the forged one.
      const signedIn = await call(url, '{ whoami }', { ...headers, ...bearer(await mintToken({ sub: 'u7', scopes: ['reader'] })) });
      expect(signedIn.data).toEqual({ whoami: 'u7 [reader]' });
    });
  });
});

describe('a subgraph refusing on its own (a requirement the supergraph does not have yet)', () => {
  it('reaches the client as FORBIDDEN with the field, not as an internal error', async () => {
    const stale = composeServices([{ name: 'greetings', url: toy.subgraphUrl, typeDefs: parse(TOY_SDL.replace('secret: String @requiresScopes(scopes: [["admin"]])', 'secret: String')) }]);
    await withGateway(toy, { supergraphSdl: stale.supergraphSdl! }, async (url) => {
      const res = await call(url, '{ secret hello(name: "x") }', bearer(await mintToken({ sub: 'u1', scopes: ['reader'] })));
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(res.subgraphCalls).toBe(1);
    });
  });
});

describe('gateway identity with an identity provider\'s JWKS (production mode)', () => {
  let jwks: Server;
  let jwksUrl: string;
  let signer: Awaited<ReturnType<typeof generateKeyPair>>;
  beforeAll(async () => {
    signer = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(signer.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise((r) => jwks.close(r)));

  const rs256 = (key: Parameters<SignJWT['sign']>[0], kid = 'k1', alg = 'RS256') =>
    new SignJWT({ scope: 'admin' }).setProtectedHeader({ alg, kid }).setSubject('u1').setIssuer('https://idp.test/').setAudience('cinema').setExpirationTime('5m').sign(key);

  it('accepts tokens signed by the provider\'s key and refuses other keys and algorithm confusion', async () => {
    const tokens = { jwksUrl, algorithms: ['RS256'], issuer: 'https://idp.test/', audience: 'cinema', clockToleranceSeconds: 5 };
    await withGateway(toy, { tokens, production: true }, async (url) => {
      expect((await call(url, '{ secret }', bearer(await rs256(signer.privateKey)))).data).toEqual({ secret: 'for admins' });
      const stranger = await generateKeyPair('RS256');
      expect((await call(url, '{ secret }', bearer(await rs256(stranger.privateKey)))).status).toBe(401);
      // HS256 "signed" with the public key's bytes: the classic confusion attack.
      const publicPem = Buffer.from(JSON.stringify(await exportJWK(signer.publicKey)));
      expect((await call(url, '{ secret }', bearer(await rs256(publicPem, 'k1', 'HS256')))).status).toBe(401);
    });
  });
});
