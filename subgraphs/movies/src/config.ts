import { subgraphEnv } from '@cinema/subgraph-runtime';

export const moviesEnv = subgraphEnv('movies', 4002);
