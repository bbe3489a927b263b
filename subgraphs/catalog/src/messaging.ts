import type { Db } from 'mongodb';
import type { Logger } from '@cinema/config';
import { Messaging, type MessagingObserver } from '@cinema/messaging';
import { messagingEnvOptions, type SubgraphEnv } from '@cinema/subgraph-runtime';
import { cancelScreeningBookings } from './booking/cancel-screening-bookings';
import { creditsAnswerHandler } from './booking/credits-handler';
import { bookingSaga } from './booking/saga';
import { movieEventHandler } from './projections/movie-handler';
import { MovieReplica } from './projections/movies';

/**
 * What catalog does with RabbitMQ: owns the `catalog` exchange (relaying the screenings' and the
 * bookings' outboxes, answering resync requests with every screening's state), consumes
 * `catalog:movie:replicate` into its replica of movies (asking movies for a resync when that replica
 * is empty), and `catalog:credits:settle`, users' answers to its bookings (docs/bookings.md).
 */
export function createCatalogMessaging(
  db: Db,
  logger: Logger,
  config: SubgraphEnv,
  options: { now?: () => Date; observer?: MessagingObserver } = {},
): Messaging {
  const movies = new MovieReplica(db);
  // The handlers' writes publish through this very Messaging's relay, as the server's writes do.
  // The relay exists only once Messaging is constructed, so the repositories get a closure that
  // looks it up when a write happens (always later), instead of the relay itself.
  const saga = bookingSaga(db, { now: options.now, onEvents: (...args) => messaging.relay.dispatch(...args) });
  const { screenings, bookings } = saga;
  const messaging: Messaging = new Messaging({
    ...messagingEnvOptions(config, logger, options.observer),
    owns: {
      exchange: 'catalog',
      outboxes: [screenings.screenings, bookings.bookings],
      snapshot: (cause) => screenings.snapshot(cause),
      count: () => screenings.count(),
      leases: db.collection('resync_leases'),
    },
    consumes: [
      {
        queue: 'catalog:movie:replicate',
        handle: movieEventHandler({ movies, screenings, cancelBookings: (s, cause) => cancelScreeningBookings(saga, s, cause) }),
        isEmpty: () => movies.isEmpty(),
      },
      { queue: 'catalog:credits:settle', handle: creditsAnswerHandler(saga) },
    ],
  });
  return messaging;
}
