import { subgraphEnv } from '@cinema/service-kit';

export const moviesEnv = subgraphEnv('movies', 4002);
