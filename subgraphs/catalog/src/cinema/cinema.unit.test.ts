import { ObjectId } from 'mongodb';
import { parseInput } from '@cinema/subgraph-runtime';
import { createCinemaInput } from './cinema';

const parse = (input: unknown) => parseInput(createCinemaInput, input);
const badInput = (field: string) => expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field } });
const cityId = new ObjectId().toHexString();

describe('createCinemaInput', () => {
  it('turns the city id into an ObjectId and trims the name', () => {
    const input = parse({ cityId, name: ' Odeon ' });
    expect(input.cityId).toBeInstanceOf(ObjectId);
    expect(input.cityId.toHexString()).toBe(cityId);
    expect(input.name).toBe('Odeon');
  });

  it.each([
    ['too short', 'abc'],
    ['25 hex digits', `${cityId}0`],
    ['not hex', 'z'.repeat(24)],
    ['an operator as a string', '{"$ne": null}'],
    ['an operator object', { $ne: null }],
    ['null', null],
    ['missing', undefined],
  ])('rejects a city id that is %s', (_, bad) => {
    expect(() => parse({ cityId: bad, name: 'Odeon' })).toThrow(badInput('input.cityId'));
  });

  it.each([
    ['empty', ''],
    ['oversized', 'x'.repeat(101)],
    ['with a control character', 'Ode\u0007on'],
  ])('rejects a name that is %s', (_, name) => {
    expect(() => parse({ cityId, name })).toThrow(badInput('input.name'));
  });
});
