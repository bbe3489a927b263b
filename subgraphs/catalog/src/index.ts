import { runSubgraph } from '@cinema/service-kit';
import { catalogEnv } from './config';
import { createCatalogMessaging } from './messaging';
import { createCatalogServer } from './server';

runSubgraph('catalog', catalogEnv, ({ db, logger, config, production, metrics, observer }) => {
  const messaging = createCatalogMessaging(db, logger, config, { observer });
  // Mutations hand their recorded events to the same relay, so they are published at once.
  const server = createCatalogServer({
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
