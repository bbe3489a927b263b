import { subgraphEnv } from '@cinema/subgraph-runtime';

export const catalogEnv = subgraphEnv('catalog', 4003);
