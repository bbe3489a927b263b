import { runSubgraph } from '@cinema/subgraph-runtime';
import { catalogEnv } from './config';
import { createCatalogMessaging } from './messaging';
import { createCatalogServer } from './server';

runSubgraph('catalog', catalogEnv, ({ db, logger, config, observer, serverWiring }) => {
  const messaging = createCatalogMessaging(db, logger, config, { observer });
  const server = createCatalogServer({ db, logger, bookingTimeoutMs: config.BOOKING_TIMEOUT_MS, ...serverWiring(messaging) });
  // The booking sweeper (expiries, unfinished releases) runs while the server serves.
  const serving = {
    ensureIndexes: () => server.ensureIndexes(),
    async listen(port: number, host: string) {
      const url = await server.listen(port, host);
      server.sweeper.start();
      return url;
    },
    async stop() {
      await server.sweeper.stop();
      await server.stop();
    },
  };
  return { server: serving, messaging };
});
