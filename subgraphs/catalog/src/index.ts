import { runSubgraph } from '@cinema/service-kit';
import { catalogEnv } from './config';
import { createCatalogServer } from './server';

runSubgraph('catalog', catalogEnv, ({ db, logger, production }) => createCatalogServer({ db, logger, production }));
