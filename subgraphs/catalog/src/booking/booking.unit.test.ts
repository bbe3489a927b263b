import { ObjectId } from 'mongodb';
import { parseInput } from '@cinema/subgraph-runtime';
import { bookSeatsInput } from './booking';

const parse = (input: unknown) => parseInput(bookSeatsInput, input);
const badInput = (field: string | RegExp) => expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: typeof field === 'string' ? field : expect.stringMatching(field) } });
const screeningId = new ObjectId().toHexString();

describe('bookSeatsInput', () => {
  it('parses the screening id and the seats; userId is optional', () => {
    const input = parse({ screeningId, seats: [3, 1] });
    expect(input.screeningId.toHexString()).toBe(screeningId);
    expect(input.seats).toEqual([3, 1]);
    expect(input.userId).toBeUndefined();
    expect(parse({ screeningId, seats: [1], userId: screeningId }).userId!.toHexString()).toBe(screeningId);
  });

  it.each([
    ['no seat', []],
    ['eleven seats', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]],
    ['a seat twice', [4, 4]],
    ['seat 0', [0]],
    ['a negative seat', [-1]],
    ['a fractional seat', [1.5]],
    ['not a list', 3],
  ])('refuses %s', (_, seats) => {
    // A bad element is named by its index: input.seats.0.
    expect(() => parse({ screeningId, seats })).toThrow(badInput(/^input\.seats(\.\d+)?$/));
  });

  it('refuses a malformed screening or user id', () => {
    expect(() => parse({ screeningId: '{"$ne": null}', seats: [1] })).toThrow(badInput('input.screeningId'));
    expect(() => parse({ screeningId, seats: [1], userId: { $ne: null } })).toThrow(badInput('input.userId'));
  });
});
