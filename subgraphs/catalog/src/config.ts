import { z } from 'zod';
import { subgraphEnv } from '@cinema/subgraph-runtime';
import { DEFAULT_BOOKING_TIMEOUT_MS } from './booking/saga';

export const catalogEnv = subgraphEnv('catalog', 4003).extend({
  // How long a booking may wait for users' answer (its payment) before it expires and its seats go back.
  BOOKING_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(1_000, { error: 'must be at least 1000 (1 s)' })
    .max(3_600_000, { error: 'must be at most 3600000 (1 h)' })
    .default(DEFAULT_BOOKING_TIMEOUT_MS),
});
