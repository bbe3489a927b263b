import type { Db } from 'mongodb';
import type { Logger } from '@cinema/config';
import { Messaging, type MessagingObserver } from '@cinema/messaging';
import { messagingEnvOptions, type SubgraphEnv } from '@cinema/subgraph-runtime';
import { UserRepository } from './user/repository';

/**
 * What users does with RabbitMQ: owns the `users` exchange, relays the users' outboxes to it, and
 * answers resync requests with every user's current state. It consumes nothing.
 */
export function createUsersMessaging(db: Db, logger: Logger, config: SubgraphEnv, options: { observer?: MessagingObserver } = {}): Messaging {
  const users = new UserRepository(db);
  return new Messaging({
    ...messagingEnvOptions(config, logger, options.observer),
    owns: { exchange: 'users', outboxes: [users.users], snapshot: (cause) => users.snapshot(cause), count: () => users.count() },
  });
}
