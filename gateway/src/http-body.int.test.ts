import { brotliCompressSync, gzipSync } from 'node:zlib';
import { errorCodes, gql } from '@cinema/testing';
import { startToyGraph, withGateway, type Toy } from './test-support/toy-gateway';

// The GraphQL endpoint reads its own body (serving's graphql-route.ts, not express.json):
// these are the rules it must keep, each against a real gateway over the toy subgraph.

let toy: Toy;
beforeAll(async () => {
  toy = await startToyGraph();
});
afterAll(() => toy.subgraph.stop());

const QUERY = JSON.stringify({ query: '{ hello(name: "x") }' });

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const before = toy.requests();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, text, json, subgraphCalls: toy.requests() - before };
}

describe('the GraphQL endpoint reads bodies as express.json did', () => {
  it('accepts gzip- and brotli-encoded bodies and a charset of UTF-8', async () => {
    await withGateway(toy, {}, async (url) => {
      for (const [encoding, body] of [['gzip', gzipSync(QUERY)], ['br', brotliCompressSync(QUERY)]] as const) {
        const res = await post(url, body, { 'content-encoding': encoding });
        expect(res.status).toBe(200);
        expect(res.json.data.hello).toMatch(/x/);
      }
      expect((await post(url, QUERY, { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(200);
    });
  });

  it('refuses what it cannot read, with a GraphQL-shaped error and no subgraph call', async () => {
    await withGateway(toy, { bodyLimit: '10kb' }, async (url) => {
      const cases: Array<[string, string | Buffer, Record<string, string>, number, string]> = [
        ['unknown encoding', QUERY, { 'content-encoding': 'compress' }, 415, 'BAD_REQUEST'],
        ['another charset', QUERY, { 'content-type': 'application/json; charset=latin1' }, 415, 'BAD_REQUEST'],
        ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), {}, 400, 'BAD_REQUEST'],
        ['malformed JSON', '{"query": ', {}, 400, 'BAD_REQUEST'],
        ['a JSON string at the top', '"{ hello }"', {}, 400, 'BAD_REQUEST'],
        ['gzip that is not gzip', QUERY, { 'content-encoding': 'gzip' }, 400, 'BAD_REQUEST'],
        // The limit counts inflated bytes: a small compressed body cannot smuggle a large one in.
        ['a gzip body over the limit once inflated', gzipSync(JSON.stringify({ query: `{ hello(name: "${'x'.repeat(50_000)}") }` })), { 'content-encoding': 'gzip' }, 413, 'PAYLOAD_TOO_LARGE'],
      ];
      for (const [what, body, headers, status, code] of cases) {
        const res = await post(url, body, headers);
        expect({ what, status: res.status, code: errorCodes(res.json ?? {})[0], calls: res.subgraphCalls }).toEqual({ what, status, code, calls: 0 });
      }
    });
  });

  it('leaves a body that is not JSON to Apollo (400, never 500) and serves GET with the preflight header', async () => {
    await withGateway(toy, {}, async (url) => {
      const plain = await post(url, QUERY, { 'content-type': 'text/plain' });
      expect(plain.status).toBe(400);
      expect(plain.subgraphCalls).toBe(0);
      const get = await fetch(`${url}?query=${encodeURIComponent('{ hello(name: "y") }')}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect(get.status).toBe(200);
      expect((await get.json()).data.hello).toMatch(/y/);
      // A query string on POST is the same endpoint; other paths are express's (health).
      expect((await post(`${url}?via=test`, QUERY)).status).toBe(200);
      expect((await fetch(url.replace('/graphql', '/health'))).status).toBe(200);
    });
  });

  it('sends the RateLimit headers, and Retry-After with a 429', async () => {
    await withGateway(toy, { limits: { rateLimit: 2, rateWindowMs: 60_000 } }, async (url) => {
      const first = await post(url, QUERY);
      expect(first.headers.get('ratelimit-policy')).toBe('"per-client"; q=2; w=60');
      expect(first.headers.get('ratelimit')).toMatch(/^"per-client"; r=1; t=\d+$/);
      await post(url, QUERY);
      const limited = await post(url, QUERY);
      expect(limited.status).toBe(429);
      expect(errorCodes(limited.json)).toEqual(['RATE_LIMITED']);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.subgraphCalls).toBe(0);
    });
  });

  it('still answers a plain query', async () => {
    await withGateway(toy, {}, async (url) => {
      expect((await gql(url, '{ hello(name: "z") }')).data!.hello).toMatch(/z/);
    });
  });
});
