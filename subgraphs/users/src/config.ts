import { subgraphEnv } from '@cinema/service-kit';

export const usersEnv = subgraphEnv('users', 4001);
