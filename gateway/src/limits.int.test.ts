import { adminHeaders, bearer, errorCodes, gql, mintToken } from '@cinema/testing';
import { startToyGraph, withGateway, type Toy } from './test-support/toy-gateway';

let toy: Toy;
beforeAll(async () => {
  toy = await startToyGraph();
});
afterAll(() => toy.subgraph.stop());

/** Runs `send` and says how many requests reached the subgraph meanwhile. */
async function counting<T>(send: () => Promise<T>): Promise<[T, number]> {
  const before = toy.requests();
  const result = await send();
  return [result, toy.requests() - before];
}

const post = (url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(url, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, body: await r.text() }));

describe('abuse limits at the gateway: each attack is refused before any subgraph is called', () => {
  const attacks: Record<string, string> = {
    depth: `{ node { ${'next { '.repeat(14)}id${' }'.repeat(14)} } }`,
    aliases: `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: hello(name: "x")`).join(' ')} }`,
    directives: `{ hello(name: "x") ${'@include(if: true) '.repeat(80)} }`,
    tokens: `{ hello(name: "x") ${Array.from({ length: 2500 }, () => '__typename').join(' ')} }`,
    cost: '{ node { items(first: 10) { items(first: 10) { items(first: 10) { items(first: 10) { items(first: 10) { id } } } } } } }',
  };
  for (const [limit, query] of Object.entries(attacks)) {
    it(`refuses a document over the ${limit} limit`, async () => {
      await withGateway(toy, {}, async (url) => {
        const [res, calls] = await counting(() => gql(url, query));
        expect(res.data ?? null).toBeNull();
        expect(errorCodes(res)[0]).toMatch(limit === 'cost' ? /^COST_ESTIMATED_TOO_EXPENSIVE$/ : /GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT|GRAPHQL_PARSE_FAILED/);
        // graphql-js's own token limit (parseOptions.maxTokens) words it "more that N tokens".
        expect(JSON.stringify(res.errors)).toMatch(new RegExp(limit === 'tokens' ? 'more th(an|at) \\d+ tokens' : limit, 'i'));
        // A refused document is the client's mistake: 400, never the 500 armor's token plugin gave.
        expect(res.status).toBe(400);
        expect(calls).toBe(0);
      });
    });
  }

  it('serves the same shapes within the limits', async () => {
    await withGateway(toy, {}, async (url) => {
      const res = await gql(url, '{ node { next { next { id } } items(first: 3) { id } } }');
      expect(res.errors).toBeUndefined();
      expect(res.data!.node.items).toHaveLength(3);
    });
  });

  it('prices lists the supergraph does not size at the assumed 100 items, and says by how much it is over', async () => {
    await withGateway(toy, { limits: { maxCost: 150 } }, async (url) => {
      // node 1 + items: 100 × (1 + next 1) = 201, `first` or not: without @listSize it slices nothing.
      const [res, calls] = await counting(() => gql(url, '{ node { items(first: 1) { id next { id } } } }'));
      expect(res.status).toBe(400);
      expect(res.errors![0]!.extensions).toEqual({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 201, max: 150 } });
      expect(calls).toBe(0);
      expect((await gql(url, '{ node { items(first: 1) { id } } }')).errors).toBeUndefined(); // 101
    });
  });

  it('bounds the bytes read from a subgraph: a larger answer fails that fetch, over either transport', async () => {
    for (const subgraphPool of [undefined, false as const]) {
      await withGateway(toy, { subgraphResponseLimit: 4_096, subgraphPool }, async (url) => {
        const big = await gql(url, `{ hello(name: "${'x'.repeat(5_000)}") }`);
        expect(big.status).toBe(200);
        expect(big.data ?? null).toBeNull();
        expect(big.errors!.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_RESPONSE_TOO_LARGE']);
        expect(big.errors![0]!.message).toMatch(/limit of 4096 bytes \(SUBGRAPH_RESPONSE_LIMIT\)/);
        expect((await gql(url, '{ hello(name: "small") }')).data).toEqual({ hello: 'hello, small' });
      });
    }
  });

  it('bounds the bytes of an answer: over the limit the client gets a RESPONSE_TOO_LARGE error, not a body cut short', async () => {
    await withGateway(toy, { responseLimit: 4_096 }, async (url) => {
      const name = 'y'.repeat(3_000);
      const res = await post(url, JSON.stringify({ query: `{ a: hello(name: "${name}") b: hello(name: "${name}") }` }));
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body);
      expect(body.data).toBeNull();
      expect(body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['RESPONSE_TOO_LARGE']);
      expect(body.errors[0].message).toMatch(/^the answer \(\d+ bytes\) exceeds the gateway's limit of 4096 bytes \(RESPONSE_LIMIT\)/);
      expect((await gql(url, `{ a: hello(name: "${name}") }`)).data?.a).toBe(`hello, ${name}`);
    });
  });

  it('refuses a body over the size limit with 413', async () => {
    await withGateway(toy, { bodyLimit: '10kb' }, async (url) => {
      const [res, calls] = await counting(() => post(url, JSON.stringify({ query: `{ hello(name: "${'x'.repeat(20_000)}") }` })));
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
      expect(calls).toBe(0);
    });
  });

  it('limits the request rate per client: per token subject, else per address', async () => {
    await withGateway(toy, { limits: { rateLimit: 5, rateWindowMs: 60_000 } }, async (url) => {
      const codes = [];
      for (let i = 0; i < 7; i++) codes.push((await gql(url, '{ hello(name: "x") }')).status);
      expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const limited = await gql(url, '{ hello(name: "x") }');
      expect(errorCodes(limited)).toEqual(['RATE_LIMITED']);
      // Another client (a signed-in user) has its own budget.
      const other = await gql(url, '{ hello(name: "x") }', undefined, bearer(await mintToken({ sub: 'someone' })));
      expect(other.status).toBe(200);
    });
  });

  it('counts requests with bad tokens too, and tells clients apart behind a trusted proxy', async () => {
    await withGateway(toy, { limits: { rateLimit: 3, rateWindowMs: 60_000 } }, async (url) => {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await gql(url, '{ hello(name: "x") }', undefined, { authorization: 'Bearer a.b.c' })).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    });
    await withGateway(toy, { limits: { rateLimit: 2, rateWindowMs: 60_000 }, trustProxy: 1 }, async (url) => {
      const from = (ip: string) => gql(url, '{ hello(name: "x") }', undefined, { 'x-forwarded-for': ip }).then((r) => r.status);
      expect([await from('198.51.100.1'), await from('198.51.100.1'), await from('198.51.100.1')]).toEqual([200, 200, 429]);
      expect(await from('198.51.100.2')).toBe(200);
    });
  });

  it('has HTTP batching off and CSRF prevention on', async () => {
    await withGateway(toy, {}, async (url) => {
      const [batch, calls] = await counting(() => post(url, JSON.stringify([{ query: '{ hello(name: "a") }' }, { query: '{ hello(name: "b") }' }])));
      expect(batch.status).toBe(400);
      expect(calls).toBe(0);
      // A "simple" cross-site request (no preflight) must not run an operation.
      const simple = await post(url, JSON.stringify({ query: '{ hello(name: "x") }' }), { 'content-type': 'text/plain' });
      expect(simple.status).toBe(400);
      const get = await fetch(`${url}?query=${encodeURIComponent('{ hello(name: "x") }')}`);
      expect(get.status).toBe(400);
    });
  });

  it('bounds every subgraph fetch in time', async () => {
    await withGateway(toy, { subgraphTimeoutMs: 300 }, async (url) => {
      const started = Date.now();
      const res = await gql(url, '{ slow(ms: 3000) }');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(res.data?.slow ?? null).toBeNull();
      expect(res.errors?.length).toBeGreaterThan(0);
    });
  });
});

describe('production errors leak nothing', () => {
  const leaks = /127\.0\.0\.1|localhost|http:\/\/|stacktrace|at \/|\.ts:|ECONN|Did you mean|response/i;

  it('masks resolver failures, an unreachable subgraph and a subgraph that refuses the gateway', async () => {
    const unreachable = { subgraphUrls: { greetings: 'http://127.0.0.1:1/graphql' } };
    const wrongSecret = { signingSecret: 'not-the-secret-the-subgraph-has-0000000000' };
    // An unreachable subgraph is not an internal error: its fields fail alone, as SUBGRAPH_UNAVAILABLE.
    for (const [overrides, code] of [[{}, 'INTERNAL_SERVER_ERROR'], [unreachable, 'SUBGRAPH_UNAVAILABLE'], [wrongSecret, 'INTERNAL_SERVER_ERROR']] as const) {
      await withGateway(toy, { production: true, ...overrides }, async (url) => {
        const res = await gql(url, '{ broken hello(name: "x") }', undefined, await adminHeaders());
        expect(errorCodes(res)[0]).toBe(code);
        for (const e of res.errors!) expect(Object.keys(e.extensions ?? {})).toEqual(['code']);
        expect(JSON.stringify(res)).not.toMatch(leaks);
      });
    }
  });

  it('gives no field suggestions in production (but does in development)', async () => {
    await withGateway(toy, { production: true }, async (url) => {
      const res = await gql(url, '{ helo(name: "x") }');
      expect(errorCodes(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(JSON.stringify(res)).not.toMatch(leaks);
    });
    await withGateway(toy, { production: false }, async (url) => {
      expect(JSON.stringify(await gql(url, '{ helo(name: "x") }'))).toMatch(/Did you mean/);
    });
  });
});
