import { runSubgraph } from '@cinema/subgraph-runtime';
import { catalogEnv } from './config';
import { createCatalogMessaging } from './messaging';
import { createCatalogServer } from './server';

runSubgraph('catalog', catalogEnv, ({ db, logger, config, observer, serverWiring }) => {
  const messaging = createCatalogMessaging(db, logger, config, { observer });
  const server = createCatalogServer({ db, logger, ...serverWiring(messaging) });
  return { server, messaging };
});
