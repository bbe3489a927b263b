import type { Db } from 'mongodb';
import type { Logger } from '@cinema/config';
import { Messaging, type MessagingObserver } from '@cinema/messaging';
import { messagingEnvOptions, type SubgraphEnv } from '@cinema/subgraph-runtime';
import { MovieRepository } from './movie/repository';
import { handleUserEvent, UserProfiles } from './projections/user-profiles';
import { ReviewRepository } from './review/repository';

/**
 * What movies does with RabbitMQ: owns the `movies` exchange (relaying the movies' and reviews'
 * outboxes to it, answering resyncs with every movie's current state) and keeps its replica of
 * user profiles from `movies:user:replicate`, asking users for a resync while it is empty.
 *
 * A resync re-publishes movies only: the one consumer of this exchange (catalog) replicates movies,
 * and reviews are immutable facts, not state a replica must converge to.
 */
export function createMoviesMessaging(db: Db, logger: Logger, config: SubgraphEnv, options: { observer?: MessagingObserver } = {}): Messaging {
  const movies = new MovieRepository(db);
  const reviews = new ReviewRepository(db);
  const profiles = new UserProfiles(db);
  return new Messaging({
    ...messagingEnvOptions(config, logger, options.observer),
    owns: {
      exchange: 'movies',
      outboxes: [movies.movies, reviews.reviews],
      snapshot: (cause) => movies.snapshot(cause),
      count: () => movies.count(),
      leases: db.collection('resync_leases'),
    },
    consumes: [
      { queue: 'movies:user:replicate', handle: handleUserEvent(profiles.collection), isEmpty: () => profiles.isEmpty() },
    ],
  });
}
