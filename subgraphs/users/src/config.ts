import { subgraphEnv } from '@cinema/subgraph-runtime';

export const usersEnv = subgraphEnv('users', 4001);
