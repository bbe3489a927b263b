import { subgraphEnv } from '@cinema/service-kit';

export const catalogEnv = subgraphEnv('catalog', 4003);
