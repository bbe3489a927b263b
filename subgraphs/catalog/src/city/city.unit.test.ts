import { parseInput } from '@cinema/subgraph-runtime';
import { cityNameKey, createCityInput } from './city';

const parse = (input: unknown) => parseInput(createCityInput, input);
const badInput = (field: string) => expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field } });

describe('createCityInput', () => {
  it('trims the name', () => {
    expect(parse({ name: '  Berlin  ' })).toEqual({ name: 'Berlin' });
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['oversized', 'x'.repeat(101)],
    ['a NUL byte', 'Ber\u0000lin'],
    ['an escape character', 'Ber\u001blin'],
    ['not a string', { $ne: null }],
  ])('rejects a name that is %s', (_, name) => {
    expect(() => parse({ name })).toThrow(badInput('input.name'));
  });

  it('accepts exactly 100 characters', () => {
    expect(parse({ name: 'x'.repeat(100) }).name).toHaveLength(100);
  });
});

describe('cityNameKey', () => {
  it('treats case, Unicode composition and repeated spaces as the same name', () => {
    expect(cityNameKey('SÃO PAULO')).toBe(cityNameKey('são paulo'));
    expect(cityNameKey('Sa\u0303o  Paulo')).toBe(cityNameKey('São Paulo'));
    expect(cityNameKey('Berlin')).not.toBe(cityNameKey('Bern'));
  });
});
