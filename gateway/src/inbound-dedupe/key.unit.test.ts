import type { IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import type { SharingRequest } from '@cinema/serving';
import { dedupeKey, operationId } from './key';

const QUERY = 'query Own($id: ID!) { user(id: $id) { email } }';
const hash = createHash('sha256').update(QUERY).digest('hex');
const ann = { sub: 'ann', scopes: ['reader'] };

function exchange(identity: SharingRequest['identity'], headers: Record<string, string> = {}, method = 'POST'): SharingRequest {
  return { req: { method, headers } as unknown as IncomingMessage, identity };
}
const queries = (id: string): string | undefined => (id === operationId(hash, 'Own') || id === operationId(hash, null) ? 'query' : undefined);
const key = (x: SharingRequest, body: unknown, kinds = queries) => dedupeKey(x, body, kinds);
const body = (extra: Record<string, unknown> = {}) => ({ query: QUERY, operationName: 'Own', variables: { id: '1', first: 2 }, ...extra });

describe('inbound deduplication key', () => {
  it('is the same for the same query, variables in any order, and the same verified caller', () => {
    const a = key(exchange(ann), body());
    expect(a).toBeDefined();
    expect(key(exchange({ sub: 'ann', scopes: ['reader'] }), body({ variables: { first: 2, id: '1' } }))).toBe(a);
    // A different token of the same caller (other headers too) shares: only the verified claims count.
    expect(key(exchange(ann, { authorization: 'Bearer other', 'user-agent': 'x' }), body())).toBe(a);
  });

  it('differs for another caller, other scopes, anonymous, other variables and other keyed headers', () => {
    const a = key(exchange(ann), body());
    const others = [
      key(exchange({ sub: 'bob', scopes: ['reader'] }), body()),
      key(exchange({ sub: 'ann', scopes: ['reader', 'admin'] }), body()),
      key(exchange(null), body()),
      key(exchange(ann), body({ variables: { id: '2', first: 2 } })),
      key(exchange(ann), body({ extensions: { tag: 1 } })),
      key(exchange(ann, { accept: 'application/graphql-response+json' }), body()),
      key(exchange(ann, { 'x-request-id': 'mine' }), body()),
      key(exchange(ann, { 'cache-control': 'no-cache' }), body()),
    ];
    for (const k of others) expect(k).toBeDefined();
    expect(new Set([a, ...others]).size).toBe(others.length + 1);
  });

  it('never keys an operation not known as a query: mutations, subscriptions, unseen documents', () => {
    expect(key(exchange(ann), body(), () => 'mutation')).toBeUndefined();
    expect(key(exchange(ann), body(), () => 'subscription')).toBeUndefined();
    expect(key(exchange(ann), body(), () => undefined)).toBeUndefined();
    // The operation name is part of what is known: another operation of the same document is not.
    expect(key(exchange(ann), body({ operationName: 'Other' }))).toBeUndefined();
  });

  it('keys a persisted query by its hash, the same operation as its text', () => {
    const persisted = { operationName: 'Own', variables: { id: '1' }, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } };
    expect(key(exchange(ann), persisted)).toBeDefined();
    expect(key(exchange(ann), { ...persisted, extensions: { persistedQuery: { version: 1, sha256Hash: 'nothex' } } })).toBeUndefined();
  });

  it('leaves anything but one POSTed JSON object to run alone', () => {
    expect(key(exchange(ann, {}, 'GET'), body())).toBeUndefined();
    expect(key(exchange(ann), [body()])).toBeUndefined();
    expect(key(exchange(ann), undefined)).toBeUndefined();
    expect(key(exchange(ann), body({ operationName: 5 }))).toBeUndefined();
    expect(key(exchange(ann), body({ variables: '{"id":"1"}' }))).toBeUndefined();
    expect(key(exchange(ann), { variables: {} })).toBeUndefined();
  });
});
