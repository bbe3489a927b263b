import { readBounded } from './bounded-body';

/** A chunked body that counts how many chunks were pulled from it. */
function body(chunks: string[]) {
  const state = { pulled: 0 };
  const iterable = (async function* () {
    for (const c of chunks) {
      state.pulled++;
      yield Buffer.from(c);
    }
  })();
  return { iterable, state };
}

describe('reading a subgraph answer up to a limit', () => {
  it('reads an answer within the limit whole, across chunks and multi-byte characters', async () => {
    const { iterable } = body(['{"data":', '{"a":"é', '"}}']);
    await expect(readBounded(iterable, { maxBytes: 64, subgraph: 's', discard: () => {} })).resolves.toBe('{"data":{"a":"é"}}');
  });

  it('refuses at once an answer whose content-length is over the limit, reading nothing', async () => {
    const { iterable, state } = body(['x'.repeat(10)]);
    let discarded = false;
    const read = readBounded(iterable, { maxBytes: 5, contentLength: '10', subgraph: 'movies', discard: () => (discarded = true) });
    await expect(read).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_RESPONSE_TOO_LARGE', subgraph: 'movies' } });
    expect([state.pulled, discarded]).toEqual([0, true]);
  });

  it('stops a chunked answer as soon as it passes the limit', async () => {
    const { iterable, state } = body(['1234', '5678', '9abc', 'defg']);
    let discarded = false;
    await expect(readBounded(iterable, { maxBytes: 6, subgraph: 's', discard: () => (discarded = true) })).rejects.toThrow(/limit of 6 bytes/);
    expect([state.pulled, discarded]).toEqual([2, true]);
  });
});
