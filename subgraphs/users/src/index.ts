import { runSubgraph } from '@cinema/service-kit';
import { usersEnv } from './config';
import { createUsersMessaging } from './messaging';
import { createUsersServer } from './server';

runSubgraph('users', usersEnv, ({ db, logger, config, production, metrics, observer }) => {
  const messaging = createUsersMessaging(db, logger, config, { observer });
  const server = createUsersServer({
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
