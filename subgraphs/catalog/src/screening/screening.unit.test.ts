import { ObjectId } from 'mongodb';
import { parseInput } from '@cinema/subgraph-runtime';
import { scheduleScreeningInput } from './screening';

const parse = (input: unknown) => parseInput(scheduleScreeningInput, input);
const badInput = (field: string) => expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field } });
const valid = {
  cinemaId: new ObjectId().toHexString(),
  movieId: new ObjectId().toHexString(),
  startsAt: '2030-01-01T20:00:00Z',
};

describe('scheduleScreeningInput', () => {
  it('parses ids and the start time, and defaults isPremiere to false', () => {
    const input = parse(valid);
    expect(input.cinemaId.toHexString()).toBe(valid.cinemaId);
    expect(input.movieId.toHexString()).toBe(valid.movieId);
    expect(input.startsAt).toEqual(new Date(Date.UTC(2030, 0, 1, 20)));
    expect(input.isPremiere).toBe(false);
    expect(parse({ ...valid, isPremiere: null }).isPremiere).toBe(false);
    expect(parse({ ...valid, isPremiere: true }).isPremiere).toBe(true);
  });

  it('honours an explicit offset', () => {
    expect(parse({ ...valid, startsAt: '2030-01-01T22:00:00+02:00' }).startsAt).toEqual(new Date(Date.UTC(2030, 0, 1, 20)));
  });

  it.each([
    ['a month 13', '2030-13-01'],
    ['a month 13 with a time', '2030-13-01T20:00:00Z'],
    ['February 30th', '2030-02-30T20:00:00Z'],
    ['a word', 'tomorrow'],
    ['a space instead of T', '2030-01-01 20:00'],
    ['a date without a time', '2030-01-01'],
    ['a local time without offset', '2030-01-01T20:00:00'],
    ['empty', ''],
    ['a number', 1893528000000],
  ])('rejects a start time that is %s', (_, startsAt) => {
    expect(() => parse({ ...valid, startsAt })).toThrow(badInput('input.startsAt'));
  });

  it.each([
    ['cinemaId', 'abc'],
    ['cinemaId', '{"$ne": null}'],
    ['cinemaId', { $ne: null }],
    ['movieId', 'abc'],
    ['movieId', { $gt: '' }],
  ])('rejects a malformed %s (%p)', (field, bad) => {
    expect(() => parse({ ...valid, [field]: bad })).toThrow(badInput(`input.${field}`));
  });
});
