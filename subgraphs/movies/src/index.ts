import { runSubgraph } from '@cinema/service-kit';
import { moviesEnv } from './config';
import { createMoviesMessaging } from './messaging';
import { createMoviesServer } from './server';

runSubgraph('movies', moviesEnv, ({ db, logger, config, production }) => {
  const messaging = createMoviesMessaging(db, logger, config);
  const server = createMoviesServer({ db, logger, production, gatewaySecret: config.GATEWAY_SIGNING_SECRET, onEvents: messaging.relay.dispatch });
  return { server, messaging };
});
