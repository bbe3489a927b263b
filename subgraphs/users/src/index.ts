import { runSubgraph } from '@cinema/service-kit';
import { usersEnv } from './config';
import { createUsersServer } from './server';

runSubgraph('users', usersEnv, ({ db, logger, production }) => createUsersServer({ db, logger, production }));
