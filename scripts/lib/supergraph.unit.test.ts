import { readFileSync } from 'node:fs';
import { composeSupergraph, SUPERGRAPH_PATH } from './supergraph';

describe('committed supergraph', () => {
  it('is exactly what composing the subgraph SDLs produces (run `npm run compose` if not)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composeSupergraph());
  });
});
