import { runSubgraph } from '@cinema/service-kit';
import { moviesEnv } from './config';
import { createMoviesServer } from './server';

runSubgraph('movies', moviesEnv, ({ db, logger, production }) => createMoviesServer({ db, logger, production }));
