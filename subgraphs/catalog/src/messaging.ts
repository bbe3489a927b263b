import type { Db } from 'mongodb';
import type { Logger } from '@cinema/config';
import { Messaging, type MessagingObserver } from '@cinema/messaging';
import { messagingEnvOptions, type SubgraphEnv } from '@cinema/subgraph-runtime';
import { movieEventHandler } from './projections/movie-handler';
import { MovieReplica } from './projections/movies';
import { ScreeningRepository } from './screening/repository';

/**
 * What catalog does with RabbitMQ: owns the `catalog` exchange (relaying the screenings' outboxes,
 * answering resync requests with every screening's state) and consumes `catalog:movie:replicate`
 * into its replica of movies, asking movies for a resync when that replica is empty.
 */
export function createCatalogMessaging(
  db: Db,
  logger: Logger,
  config: SubgraphEnv,
  options: { now?: () => Date; observer?: MessagingObserver } = {},
): Messaging {
  const { now } = options;
  const movies = new MovieReplica(db);
  // The handler's cancellations publish through this very Messaging's relay, as the server's writes
  // do. The relay exists only once Messaging is constructed, so the repository gets a closure that
  // looks it up when a write happens (always later), instead of the relay itself.
  const screenings = new ScreeningRepository(db, { now, onEvents: (...args) => messaging.relay.dispatch(...args) });
  const messaging: Messaging = new Messaging({
    ...messagingEnvOptions(config, logger, options.observer),
    owns: {
      exchange: 'catalog',
      outboxes: [screenings.screenings],
      snapshot: (cause) => screenings.snapshot(cause),
      count: () => screenings.count(),
    },
    consumes: [
      {
        queue: 'catalog:movie:replicate',
        handle: movieEventHandler({ movies, screenings }),
        isEmpty: () => movies.isEmpty(),
      },
    ],
  });
  return messaging;
}
