/**
 * Draws for the seed's plan from a seeded generator (mulberry32: 32 bits of state, good enough to
 * pick names and ratings), so the same seed always plans the same data set.
 */
import { mulberry32 } from '@cinema/testing';

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** An index drawn with probability proportional to its weight. */
  weighted(cumulative: readonly number[]): number;
  /** `count` distinct items, in a random order. */
  sample<T>(items: readonly T[], count: number): T[];
}

export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted(cumulative) {
      const target = next() * cumulative[cumulative.length - 1]!;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! > target) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
    sample(items, count) {
      const copy = [...items];
      for (let i = 0; i < Math.min(count, copy.length); i++) {
        const j = int(i, copy.length - 1);
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy.slice(0, count);
    },
  };
}

/** Cumulative Zipf-like weights (1/rank^s): a few items get much of the attention, as films do. */
export function popularity(count: number, s = 0.8): number[] {
  const cumulative: number[] = [];
  let sum = 0;
  for (let rank = 1; rank <= count; rank++) cumulative.push((sum += 1 / rank ** s));
  return cumulative;
}
