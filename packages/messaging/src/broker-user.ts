import { brokerUserOf } from '@cinema/config';
import { brokerUser, DEFAULT_USER_PREFIX } from '@cinema/events';

export { brokerUserOf };

/**
 * Who this process is on the broker, and who the others are: the broker user of every role is
 * `<prefix><role>` (AMQP_USER_PREFIX). A consumer compares an event's `user_id` (which RabbitMQ
 * guarantees is the publisher's login) with the user of the role that owns the event's source.
 */
export interface PlaneIdentity {
  /** The user this process logs in as (its messages carry it as user_id). */
  self: string;
  /** The broker user of a role (a service, the gateway, the operator). */
  userOf(role: string): string;
  /** The role a broker user stands for, or undefined for a user of no role (guest, a stranger). */
  roleOf(user: string | undefined): string | undefined;
}

export function planeIdentity(url: string, prefix = DEFAULT_USER_PREFIX): PlaneIdentity {
  return {
    self: brokerUserOf(url),
    userOf: (role) => brokerUser(role, prefix),
    roleOf: (user) => (user?.startsWith(prefix) && user.length > prefix.length ? user.slice(prefix.length) : undefined),
  };
}
