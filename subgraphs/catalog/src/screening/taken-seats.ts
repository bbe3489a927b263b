import { z } from 'zod';
import { MAX_PAGE_SIZE, parseInput } from '@cinema/subgraph-runtime';

/** `Screening.takenSeats(first, after)`: keyset paging on the seat number, like every list here. */
const takenSeatsArgs = z.object({
  first: z
    .number()
    .int()
    .min(0, { error: 'must not be negative' })
    .max(MAX_PAGE_SIZE, { error: `must be at most ${MAX_PAGE_SIZE}` })
    .nullish()
    .transform((n) => n ?? MAX_PAGE_SIZE),
  after: z.number().int().min(0, { error: 'must not be negative' }).nullish(),
});

/** The seats after `after`, ascending, at most `first` of them. */
export function takenSeatsPage(seats: readonly number[], args: { first?: number | null; after?: number | null }): number[] {
  const { first, after } = parseInput(takenSeatsArgs, args, '');
  return seats.filter((s) => after == null || s > after).slice(0, first);
}
