import { BROKER_ROLES, CONSUMERS, exchangesOwnedBy, GATEWAY, queuesConsumedBy, SERVICES, type ConsumerQueue } from '@cinema/events';
import { brokerPermissions } from './broker-permissions';
import { OWNER_EXCHANGES } from './observed';
import { buildTopology, qualify } from './topology';

/**
 * The permissions are derived from the contract; the topology each role declares is too. These
 * check the two against each other: every name a role's topology declares, binds or publishes to
 * is within its permissions, and the names of every other role are not.
 */
const ns = 't-run1-some-test';
const scope = { pattern: 't-run1-[A-Za-z0-9_-]+', bareToo: false } as const;
const match = (regex: string, name: string) => new RegExp(regex).test(name);
const topologyOf = (role: string) =>
  buildTopology({ url: 'amqp://x', namespace: ns, owns: exchangesOwnedBy(role)[0], consumes: queuesConsumedBy(role) }).vhosts!['/']!;

describe('broker permissions', () => {
  it('cover every exchange and queue a service declares, binds and consumes, and what it publishes to', () => {
    for (const role of SERVICES) {
      const p = brokerPermissions(role, scope);
      const v = topologyOf(role);
      const allowed = (perm: 'configure' | 'write' | 'read', name: string) => expect({ role, perm, name, ok: match(p[perm], qualify(name, ns)) }).toEqual({ role, perm, name, ok: true });
      // Another's exchanges are only checked (a passive declare needs no permission); its own are declared.
      for (const [name, e] of Object.entries(v.exchanges ?? {})) if ((e as { assert?: boolean }).assert !== false) allowed('configure', name);
      for (const name of Object.keys(v.queues ?? {})) ['configure', 'read'].forEach((perm) => allowed(perm as 'configure', name));
      // A binding reads its source and writes its destination.
      for (const binding of Object.keys(v.bindings ?? {})) {
        const [, source, destination] = /^([\w:.-]+)(?:\[.*\])?\s*->\s*([\w:.-]+)$/.exec(binding)!;
        allowed('read', source!);
        allowed('write', destination!);
      }
      for (const pub of Object.values(v.publications ?? {})) allowed('write', (pub as { exchange: string }).exchange);
    }
  });

  it('let a service write no exchange but its own, and configure nothing of another\'s', () => {
    for (const role of SERVICES) {
      const p = brokerPermissions(role, scope);
      for (const other of OWNER_EXCHANGES.filter((e) => e !== role)) {
        expect({ role, other, write: match(p.write, qualify(other, ns)), configure: match(p.configure, qualify(other, ns)) }).toEqual({ role, other, write: false, configure: false });
      }
      expect(match(p.write, 'amq.default')).toBe(false); // the default exchange reaches every queue by name
      for (const q of Object.keys(CONSUMERS) as ConsumerQueue[]) {
        if (CONSUMERS[q].consumer !== role) expect({ role, q, read: match(p.read, qualify(q, ns)) }).toEqual({ role, q, read: false });
      }
    }
  });

  it('let the gateway read only its own queues and bind them to owners\' exchanges, never write an exchange', () => {
    const p = brokerPermissions(GATEWAY, scope);
    for (const queue of ['gateway:response-cache:host:1:abc', 'gateway:subscriptions:host:1:abc']) {
      expect([match(p.configure, qualify(queue, ns)), match(p.write, qualify(queue, ns)), match(p.read, qualify(queue, ns))]).toEqual([true, true, true]);
    }
    for (const e of OWNER_EXCHANGES) expect([match(p.read, qualify(e, ns)), match(p.write, qualify(e, ns)), match(p.configure, qualify(e, ns))]).toEqual([true, false, false]);
    for (const q of Object.keys(CONSUMERS)) expect(match(p.read, qualify(q, ns))).toBe(false);
  });

  it('keep test users to their run\'s namespaces, and production users to bare names', () => {
    const p = brokerPermissions('users', scope);
    expect([match(p.write, qualify('users', ns)), match(p.write, 'users'), match(p.write, 't-run2-x:users')]).toEqual([true, false, false]);
    const prod = brokerPermissions('users');
    expect([match(prod.write, 'users'), match(prod.write, 'x:users')]).toEqual([true, false]);
    expect(BROKER_ROLES).toEqual([...SERVICES, 'gateway', 'operator']);
  });
});
