import { runSubgraph } from '@cinema/subgraph-runtime';
import { usersEnv } from './config';
import { createUsersMessaging } from './messaging';
import { createUsersServer } from './server';

runSubgraph('users', usersEnv, ({ db, logger, config, observer, serverWiring }) => {
  const messaging = createUsersMessaging(db, logger, config, { observer });
  const server = createUsersServer({ db, logger, ...serverWiring(messaging) });
  return { server, messaging };
});
