import { runSubgraph } from '@cinema/subgraph-runtime';
import { moviesEnv } from './config';
import { createMoviesMessaging } from './messaging';
import { createMoviesServer } from './server';

runSubgraph('movies', moviesEnv, ({ db, logger, config, observer, serverWiring }) => {
  const messaging = createMoviesMessaging(db, logger, config, { observer });
  const server = createMoviesServer({ db, logger, ...serverWiring(messaging) });
  return { server, messaging };
});
