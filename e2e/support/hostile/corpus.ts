/**
 * Hostile values by GraphQL input type. `anyX` are what an attacker might send (some are valid:
 * `{"$ne": null}` as a string is a fine movie title); `poisonX` are values every validator of that
 * type must refuse, so a mutation carrying one can never succeed and "nothing changed" holds.
 */
const OPERATOR_OBJECTS: unknown[] = [{ $ne: null }, { $gt: '' }, { $where: 'sleep(1000)' }, { $regex: '.*' }, { 'a.b': 1 }, { $expr: { $eq: [1, 1] } }];
const big = (n: number, c = 'x') => c.repeat(n);

/** Strings that have broken parsers, drivers and query builders elsewhere. */
export const INJECTION_STRINGS: string[] = [
  '{"$ne": null}',
  '{"$gt": ""}',
  "'; db.dropDatabase(); '",
  '$where',
  'this.password.length > 0',
  '{"$where": "sleep(1000)"}',
  'a\u0000b',
  '\u0000',
  'lone \ud800 surrogate',
  '\udfff',
  'key.with.dots',
  '$key',
  '__proto__',
  'constructor',
  '<script>alert(1)</script>',
  '" OR "1"="1',
  '../../etc/passwd',
  '%00',
  '\u202e\u0007\u001b[2J',
  'ｆｕｌｌ－ｗｉｄｔｈ',
  '😀'.repeat(60),
  big(201),
  big(5_001),
  big(60_000),
  '',
  '   ',
];

export const INJECTION_IDS: unknown[] = [
  ...OPERATOR_OBJECTS,
  '{"$ne": null}',
  'ffffffffffffffffffffffff',
  'FFFFFFFFFFFFFFFFFFFFFFFF',
  'fffffffffffffffffffffff',
  'fffffffffffffffffffffffff',
  'zzzzzzzzzzzzzzzzzzzzzzzz',
  'ffffffffffff\u0000ffffffffff',
  '',
  -1,
  1e308,
  big(10_000, 'f'),
  ['ffffffffffffffffffffffff'],
];

export const INJECTION_INTS: unknown[] = [0, -1, 1, 5, 6, 101, 2 ** 31, -(2 ** 31) - 1, 1.5, Number.MAX_SAFE_INTEGER, '5', '1e3', null, true, [], {}];
export const INJECTION_BOOLEANS: unknown[] = [true, false, 'true', 1, 0, null, {}, ['true']];
export const WRONG_TYPES: unknown[] = [{ $ne: null }, [], [[]], 12, true, null, { nested: { deeper: [1, { $where: 'x' }] } }];

/** Values every validator of the type refuses. */
export const POISON = {
  ID: ['', 'abc', '{"$ne": null}', { $ne: null }, 'ffffffffffff\u0000ffffffffff', big(25, 'f'), ['ffffffffffffffffffffffff'], 42],
  String: ['', '   ', 'a\u0000b', 'lone \ud800 surrogate', '\udfff', big(5_001), { $ne: null }, 7],
  Int: [2 ** 31, -1, 1.5, '5', { $gt: 0 }, 0],
  Boolean: ['true', 1, { $ne: false }, 'yes'],
} as const;

export const anyValueOf = (scalar: string): readonly unknown[] =>
  scalar === 'ID' ? INJECTION_IDS : scalar === 'Int' ? INJECTION_INTS : scalar === 'Boolean' ? INJECTION_BOOLEANS : INJECTION_STRINGS;

export const poisonOf = (scalar: string): readonly unknown[] => POISON[scalar as keyof typeof POISON] ?? POISON.String;
