import type { Db } from 'mongodb';
import type { Logger } from '@cinema/config';
import { Messaging, type MessagingObserver } from '@cinema/messaging';
import { messagingEnvOptions, type SubgraphEnv } from '@cinema/subgraph-runtime';
import { bookingClosedHandler } from './account/booking-closed';
import { bookingRequestedHandler } from './account/booking-requested';
import { AccountRepository } from './account/repository';
import { UserRepository } from './user/repository';

/**
 * What users does with RabbitMQ: owns the `users` exchange, relays the users' outboxes (and the
 * refusals of unknown users' bookings) to it, answers resync requests with every user's current
 * state, and takes its part in the booking saga: debits on `users:booking:debit`, refunds on
 * `users:booking:refund` (docs/bookings.md).
 */
export function createUsersMessaging(db: Db, logger: Logger, config: SubgraphEnv, options: { observer?: MessagingObserver } = {}): Messaging {
  const users = new UserRepository(db);
  // The handlers' writes publish through this very Messaging's relay, as the server's writes do;
  // the relay exists once Messaging is constructed, hence the closure (as in catalog).
  const accounts = new AccountRepository(db, { onEvents: (...args) => messaging.relay.dispatch(...args) });
  const messaging: Messaging = new Messaging({
    ...messagingEnvOptions(config, logger, options.observer),
    owns: {
      exchange: 'users',
      outboxes: [users.users, accounts.rejections],
      snapshot: (cause) => users.snapshot(cause),
      count: () => users.count(),
      leases: db.collection('resync_leases'),
    },
    consumes: [
      { queue: 'users:booking:debit', handle: bookingRequestedHandler(accounts) },
      { queue: 'users:booking:refund', handle: bookingClosedHandler(accounts) },
    ],
  });
  return messaging;
}
