import { SignJWT } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER } from '@cinema/serving';
import { errorCodes, TEST_JWT_SECRET } from '@cinema/testing';
import { startToyGraph, withGateway, type Toy } from '../test-support/toy-gateway';

let toy: Toy;
beforeAll(async () => {
  toy = await startToyGraph();
});
afterAll(() => toy.subgraph.stop());

/** A token signed with the right key, whatever its claims. */
const token = (claims: Record<string, unknown>) =>
  new SignJWT({ iss: DEV_ISSUER, aud: DEV_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));

// RFC 6750 §3: error_description = *( %x20-21 / %x23-5B / %x5D-7E ); the whole header printable ASCII.
const CHALLENGE = /^Bearer error="(invalid_token|invalid_request)", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]*"$/;

const scopes = (n: number, of = (i: number) => `s${i}`) => Array.from({ length: n }, (_, i) => of(i)).join(' ');

// Odd but within the bounds subgraphs accept: served, as exactly this identity.
const accepted: Record<string, Record<string, unknown>> = {
  'a 256-character sub': { sub: 'x'.repeat(256) },
  'unicode in sub': { sub: 'ünïcødé 👤 ≤ 東京' },
  'quotes and backslashes in sub': { sub: 'a"b\\c\\"d' },
  'control characters in sub': { sub: 'a\u0000b\r\nc\td\u001b' },
  '64 scopes': { sub: 'u1', scope: scopes(64) },
  'odd characters in scopes': { sub: 'u1', scope: 'ä "q" \\b ≤' },
};
// Out of bounds or of the wrong type: 401, never a 500.
const refused: Record<string, Record<string, unknown>> = {
  'a 300-character sub': { sub: 'x'.repeat(300) },
  'a 2 000-character unicode sub': { sub: '≤'.repeat(2_000) },
  'an empty sub': { sub: '' },
  'a number as sub': { sub: 42 },
  'an object as sub': { sub: { $ne: null } },
  '65 scopes': { sub: 'u1', scope: scopes(65) },
  'a 129-character scope': { sub: 'u1', scope: 'y'.repeat(129) },
  'an issuer with quotes, backslashes and unicode': { sub: 'u1', iss: 'evil"\\≤\u0000' },
};

describe('odd and oversized token claims', () => {
  it('serves tokens whose claims are odd but within bounds, as exactly that identity', async () => {
    await withGateway(toy, {}, async (url) => {
      for (const [name, claims] of Object.entries(accepted)) {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(claims)}` }, body: JSON.stringify({ query: '{ whoami }' }) });
        const body = (await res.json()) as { data?: { whoami?: string } };
        const expected = `${claims.sub} [${typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean).join(' ') : ''}]`;
        expect({ name, status: res.status, whoami: body.data?.whoami }).toEqual({ name, status: 200, whoami: expected });
      }
    });
  });

  it('refuses every other token with 401 and an ASCII, properly quoted WWW-Authenticate', async () => {
    await withGateway(toy, {}, async (url) => {
      const before = toy.requests();
      const cases: Record<string, string> = { 'another scheme': 'Basic dXNlcjpwYXNz', 'quotes in the header': 'Bearer "a\\"b"' };
      for (const [name, claims] of Object.entries(refused)) cases[name] = `Bearer ${await token(claims)}`;
      for (const [name, authorization] of Object.entries(cases)) {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query: '{ hello(name: "x") }' }) });
        const body = (await res.json()) as Parameters<typeof errorCodes>[0];
        const challenge = res.headers.get('www-authenticate') ?? '';
        expect({ name, status: res.status, codes: errorCodes(body), challenge: CHALLENGE.test(challenge) ? 'RFC 6750' : challenge }).toEqual({ name, status: 401, codes: ['UNAUTHENTICATED'], challenge: 'RFC 6750' });
      }
      expect(toy.requests()).toBe(before);
    });
  });
});
