import { mulberry32 } from '@cinema/testing';

/**
 * A seeded PRNG (mulberry32): the same seed gives the same cases, so a failure found by the fuzzer
 * is replayed with `HOSTILE_SEED=<seed>`. Math.random would make a failure unreproducible.
 */
export interface Rng {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function seededRng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (maxExclusive: number) => Math.floor(next() * maxExclusive);
  return {
    seed,
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    chance: (p) => next() < p,
  };
}

/** The seed of this run: HOSTILE_SEED when set (to replay a failure), else a fixed default. */
export const hostileSeed = () => {
  const fromEnv = Number(process.env.HOSTILE_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 20_250_305;
};
