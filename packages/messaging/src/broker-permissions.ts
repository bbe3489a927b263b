import {
  CONSUMERS, deadLetterExchange, deadLetterQueue, exchangesOwnedBy, GATEWAY, OPERATOR, OPERATOR_PREFIX, queuesConsumedBy, resyncExchange, resyncQueue,
  resyncRequestExchange, retryExchange, unroutedExchange, type ConsumerQueue,
} from '@cinema/events';
import { OWNER_EXCHANGES } from './observed';

/**
 * Each broker user's permissions, derived from the contract (who owns which exchange, who consumes
 * which queue) and the names topology.ts declares, so a new event or consumer queue needs no edit
 * here. RabbitMQ matches each regex against the name of the exchange or queue an operation touches
 * (configure: declare and delete; write: publish to an exchange, bind a queue; read: consume, and
 * be the source of a binding). What each role gets:
 * - an owner: everything on its own names (its topic exchange, unrouted, resync exchanges and queue);
 * - a consumer: everything on its queues' own names (queue, dead letters, retry); besides, read on
 *   the owner's exchange (to bind its queue) and, for a read model, write on the owner's
 *   resync-request exchange and read on its resync exchange;
 * - the gateway: its own `gateway:*` queues (declare, bind, consume) and read on owners' exchanges;
 * - an operator: its own `ops:*` reply queues, write on resync-request exchanges, read on resync
 *   exchanges (to bind a reply queue) and on dead-letter queues (to inspect them).
 * Nobody writes through the default exchange (which reaches any queue by name), and no service may
 * declare, delete or write another's exchange.
 */
export interface Permission {
  configure: string;
  write: string;
  read: string;
}

/**
 * How names are prefixed for this user: not at all (production without AMQP_NAMESPACE), by one
 * namespace, or by any namespace matching a pattern, optionally also bare (development: `npm start`
 * without a namespace, chaos and bench with one; tests: only this run's namespaces).
 */
export type NamespaceScope = { exact: string } | { pattern: string; bareToo: boolean } | undefined;

type Name = string | { pattern: string };
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function prefixOf(scope: NamespaceScope): string {
  if (!scope) return '';
  if ('exact' in scope) return `${escape(scope.exact)}:`;
  return scope.bareToo ? `(?:(?:${scope.pattern}):)?` : `(?:${scope.pattern}):`;
}

function regex(names: Set<Name>, scope: NamespaceScope): string {
  if (names.size === 0) return '^$';
  const alternatives = [...names].map((n) => (typeof n === 'string' ? escape(n) : n.pattern)).join('|');
  return `^${prefixOf(scope)}(?:${alternatives})$`;
}

export function brokerPermissions(role: string, scope?: NamespaceScope): Permission {
  const configure = new Set<Name>();
  const write = new Set<Name>();
  const read = new Set<Name>();
  const own = (...names: Name[]) => names.forEach((n) => [configure, write, read].forEach((set) => set.add(n)));

  for (const owner of exchangesOwnedBy(role)) own(owner, unroutedExchange(owner), resyncExchange(owner), resyncRequestExchange(owner), resyncQueue(owner));
  for (const queue of queuesConsumedBy(role)) {
    const { exchange, owner } = CONSUMERS[queue];
    own(queue, deadLetterExchange(queue), deadLetterQueue(queue), retryExchange(queue));
    read.add(exchange);
    // Only a read model asks for (and receives) resyncs; a saga step's queue does not.
    if (CONSUMERS[queue].replicates) write.add(resyncRequestExchange(owner)), read.add(resyncExchange(owner));
  }
  if (role === GATEWAY) {
    own({ pattern: `${escape(`${GATEWAY}:`)}.*` });
    for (const e of OWNER_EXCHANGES) read.add(e);
  }
  if (role === OPERATOR) {
    own({ pattern: `${escape(OPERATOR_PREFIX)}.*` });
    for (const e of OWNER_EXCHANGES) write.add(resyncRequestExchange(e)), read.add(resyncExchange(e));
    for (const q of Object.keys(CONSUMERS) as ConsumerQueue[]) read.add(deadLetterQueue(q));
  }
  return { configure: regex(configure, scope), write: regex(write, scope), read: regex(read, scope) };
}
