import { jsonInPieces } from './json-pieces';

const same = (value: unknown) => expect(jsonInPieces(value).toString('utf8')).toBe(`${JSON.stringify(value)}\n`);

function NullProtoChain(this: Record<string, unknown>) {}
NullProtoChain.prototype = Object.create(null);

describe('JSON in pieces: the bytes of JSON.stringify, built without one large string', () => {
  it('a GraphQL answer, small and large (many pieces)', () => {
    same({ data: { user: { id: 'u1', reviews: [{ id: 1 }, { id: 2 }] } } });
    const movies = Array.from({ length: 300 }, (_, i) => ({ id: `m${i}`, title: 'ü€😀 "quoted" \\ \n', reviews: Array.from({ length: 10 }, (_, j) => ({ id: j, body: 'x'.repeat(50) })) }));
    const answer = { data: { movies }, errors: [{ message: 'partial', path: ['movies', 3], extensions: { code: 'X' } }] };
    expect(JSON.stringify(answer).length).toBeGreaterThan(200_000);
    same(answer);
  });

  it('what JSON.stringify leaves out or writes as null, at every depth', () => {
    const fn = () => 1;
    same({ a: undefined, b: fn, c: Symbol('s'), d: [undefined, fn, Symbol('t'), null, NaN, Infinity], e: { f: { g: [undefined, { h: undefined }] } } });
    same([undefined]);
    same({});
    same([]);
  });

  it('objects with toJSON, class instances, boxed values and null-prototype objects', () => {
    const np = Object.create(null) as Record<string, unknown>;
    np['__proto__'] = 'own key';
    np['x'] = 1;
    const chain = new (NullProtoChain as unknown as new () => Record<string, unknown>)();
    chain['y'] = [1, { z: 2 }];
    class Point { constructor(readonly x: number, readonly y: number) {} }
    same({ when: new Date(0), n: new Number(3), s: new String('s'), p: new Point(1, 2), np, chain, nested: { toJSON: () => ({ replaced: true }) } });
  });

  it('keys that need escaping, and a top-level scalar', () => {
    same({ 'quote"key': 1, 'line\nkey': [2], '': 3, '\u2028': 4 });
    same('text');
    same(42);
    same(null);
  });
});
