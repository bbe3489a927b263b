import { dedupe, expand } from './dedupe-representations';

const u = (id: string) => ({ __typename: 'User', id });

describe('each distinct representation once per fetch', () => {
  it('keeps first occurrences and where every position went; nothing to do without duplicates', () => {
    expect(dedupe([u('a'), u('b'), u('a'), u('c'), u('b')])).toEqual({ unique: [u('a'), u('b'), u('c')], slotOf: [0, 1, 0, 2, 1] });
    expect(dedupe([u('a'), u('b')])).toBeUndefined();
  });

  it('tells apart representations that differ anywhere: value, key field, type, or a key of several fields', () => {
    const reps = [
      u('a\0b'), u('a'), { __typename: 'User', email: 'a' }, { __typename: 'Movie', id: 'a' }, { __typename: 'User', id: 1 },
      { __typename: 'User', id: '1' }, { __typename: 'User', id: 'a', org: 'x' }, { __typename: 'User', id: 'a', org: 'y' },
      Object.assign(Object.create(null), { __typename: 'User', id: 'a' }), { id: 'a', __typename: 'User' },
    ];
    // Only the null-prototype copy of u('a') is a duplicate (the other key order is not: one fetch's
    // representations share their order, and JSON.stringify keys told them apart too).
    const out = dedupe(reps)!;
    expect(out.unique).toHaveLength(9);
    expect(out.slotOf).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 1, 8]);
  });

  it('gives every position its entity, nulls included, and its errors', () => {
    const { slotOf } = dedupe([u('a'), u('b'), u('a'), u('c')])!;
    const response = {
      data: { _entities: [{ name: 'A' }, null, { name: 'C' }] },
      errors: [
        { message: 'b is gone', path: ['_entities', 1, 'name'] },
        { message: 'a is odd', path: ['_entities', 0] },
        { message: 'not about an entity' },
      ],
    };
    const out = expand(response, slotOf);
    expect(out.data).toEqual({ _entities: [{ name: 'A' }, null, { name: 'A' }, { name: 'C' }] });
    expect(out.errors!.map((e) => [e.message, e.path])).toEqual([
      ['b is gone', ['_entities', 1, 'name']],
      ['a is odd', ['_entities', 0]],
      ['a is odd', ['_entities', 2]],
      ['not about an entity', undefined],
    ]);
  });

  it('passes a failed fetch (no data) through', () => {
    const out = expand({ data: null, errors: [{ message: 'down' }] }, [0, 0]);
    expect(out).toEqual({ data: null, errors: [{ message: 'down' }] });
  });
});
