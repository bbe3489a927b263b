import { connectMongo, createLogger, onShutdown } from '@cinema/service-kit';
import { loadCatalogConfig } from './config';
import { createCatalogServer } from './server';

async function main() {
  const config = loadCatalogConfig();
  const logger = createLogger('catalog', config.LOG_LEVEL);
  const mongo = await connectMongo(config.MONGO_URL, config.MONGO_DB, logger);
  const server = createCatalogServer({ db: mongo.db, logger, production: config.NODE_ENV === 'production' });
  await server.ensureIndexes();
  await server.listen(config.PORT, config.HOST);
  onShutdown(logger, [() => server.stop(), () => mongo.close()]);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
