import { runSubgraph } from '@cinema/service-kit';
import { moviesEnv } from './config';
import { createMoviesMessaging } from './messaging';
import { createMoviesServer } from './server';

runSubgraph('movies', moviesEnv, ({ db, logger, config, production, metrics, observer }) => {
  const messaging = createMoviesMessaging(db, logger, config, { observer });
  const server = createMoviesServer({
    db,
    logger,
    production,
    gatewaySecret: config.GATEWAY_SIGNING_SECRET,
    onEvents: messaging.relay.dispatch,
    metrics,
    readiness: { rabbitmq: () => messaging.connected },
  });
  return { server, messaging };
});
