import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { IDENTITY_HEADER } from '@cinema/serving';
import { dedupeInflight } from './inflight-dedupe';

function counting() {
  const calls: string[] = [];
  const transport = (async (_url: string, init: { body: string }) => {
    calls.push(init.body);
    await new Promise((r) => setTimeout(r, 5));
    return { ok: true, status: 200, json: async () => JSON.parse('{"data":{"x":1}}') } as unknown as FetcherResponse;
  }) as unknown as Fetcher;
  return { calls, fetcher: dedupeInflight(transport) };
}
const read = '{"query":"query Q__users__0{user(id:\\"1\\"){id}}","variables":{}}';
const send = (f: Fetcher, body: string, identity?: string) => f('http://users/graphql', { method: 'POST', body, headers: identity ? { [IDENTITY_HEADER]: identity } : {} });

describe('identical subgraph reads in flight share one request', () => {
  it('sends concurrent identical reads once; each waiter parses its own objects', async () => {
    const { calls, fetcher } = counting();
    const [a, b] = await Promise.all([send(fetcher, read), send(fetcher, read)]);
    expect(calls).toHaveLength(1);
    const [ja, jb] = [await a.json(), await b.json()];
    expect(ja).toEqual(jb);
    expect(ja).not.toBe(jb);
  });

  it('never shares between identities, never shares mutations, keeps nothing afterwards', async () => {
    const { calls, fetcher } = counting();
    await Promise.all([send(fetcher, read, 'alice'), send(fetcher, read, 'bob'), send(fetcher, read)]);
    expect(calls).toHaveLength(3);
    const write = '{"query":"mutation M__users__0{deleteUser(id:\\"1\\")}"}';
    await Promise.all([send(fetcher, write), send(fetcher, write)]);
    expect(calls).toHaveLength(5);
    await send(fetcher, read);
    expect(calls).toHaveLength(6);
  });
});
