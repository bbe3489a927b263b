/**
 * Broker users, one per role (each service, the gateway, the operator), with the permissions
 * @cinema/messaging derives from the contract (broker-permissions.ts). Created on a RabbitMQ as one
 * definitions import (additive: nothing else on the broker changes; importing again updates
 * passwords and permissions), through `rabbitmqctl import_definitions` or, with
 * RABBITMQ_MANAGEMENT_URL, the management API's POST /api/definitions.
 */
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import amqplib from 'amqplib';
import { BROKER_ROLES, brokerUser, DEFAULT_USER_PREFIX, OPERATOR } from '@cinema/events';
import { brokerPermissions, type NamespaceScope } from '@cinema/messaging';
import { waitFor } from './infra';

export interface BrokerAccess {
  /** How users are named: AMQP_USER_PREFIX. */
  prefix: string;
  /** Who may touch which names (a namespace pattern in tests). */
  scope: NamespaceScope;
  /** Password by role. */
  passwords: Record<string, string>;
  /** The broker (host, port, vhost, query), without credentials. */
  base: string;
}

/** The broker URL of `role`: the base with that role's user and password. */
export function loginUrl(access: BrokerAccess, role: string): string {
  const url = new URL(access.base);
  url.username = encodeURIComponent(brokerUser(role, access.prefix));
  url.password = encodeURIComponent(access.passwords[role] ?? '');
  return url.toString();
}

export const newPasswords = (): Record<string, string> => Object.fromEntries(BROKER_ROLES.map((r) => [r, randomBytes(18).toString('hex')]));

/** RabbitMQ's rabbit_password_hashing_sha256: base64(salt ‖ sha256(salt ‖ password)), a 4-byte salt. */
export function passwordHash(password: string, salt = randomBytes(4)): string {
  return Buffer.concat([salt, createHash('sha256').update(Buffer.concat([salt, Buffer.from(password, 'utf8')])).digest()]).toString('base64');
}

export interface Definitions {
  vhosts?: Array<{ name: string }>;
  users: Array<{ name: string; tags: string[] } & ({ password: string } | { password_hash: string; hashing_algorithm: string })>;
  permissions: Array<{ user: string; vhost: string; configure: string; write: string; read: string }>;
}

/**
 * The definitions of every role's user. `password` per role: a plain password (RabbitMQ hashes it
 * on import), or with `hashed` its hash, for a file that is kept. `vhost`: also declare the vhost
 * (a broker that loads these at boot creates nothing else, guest included).
 */
export function brokerDefinitions(access: Pick<BrokerAccess, 'prefix' | 'scope' | 'passwords'>, o: { hashed?: boolean; vhost?: string } = {}): Definitions {
  const vhost = o.vhost ?? '/';
  return {
    ...(o.vhost ? { vhosts: [{ name: o.vhost }] } : {}),
    users: BROKER_ROLES.map((role) => {
      const password = access.passwords[role] ?? '';
      // The operator may look at the broker in the management UI (read-only), e.g. for `npm run topology`.
      const tags = role === OPERATOR ? ['monitoring'] : [];
      const name = brokerUser(role, access.prefix);
      return o.hashed ? { name, tags, password_hash: passwordHash(password), hashing_algorithm: 'rabbit_password_hashing_sha256' } : { name, tags, password };
    }),
    permissions: BROKER_ROLES.map((role) => ({ user: brokerUser(role, access.prefix), vhost, ...brokerPermissions(role, access.scope) })),
  };
}

/** The variable a role's password comes from in docker compose's .env and in `--definitions`: BROKER_PASSWORD_<ROLE>. */
export const passwordVariable = (role: string) => `BROKER_PASSWORD_${role.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/**
 * docker compose's RabbitMQ definitions (docker/rabbitmq/definitions.json, loaded at boot, so the
 * broker creates no guest): the production user names and permissions (no namespace), each
 * password a placeholder `@BROKER_PASSWORD_<ROLE>@` that the container's entrypoint fills in from
 * the environment (.env), so no password is ever in the repository.
 */
export function composeDefinitions(): Definitions {
  const passwords = Object.fromEntries(BROKER_ROLES.map((r) => [r, `@${passwordVariable(r)}@`]));
  return brokerDefinitions({ prefix: DEFAULT_USER_PREFIX, scope: undefined, passwords }, { vhost: '/' });
}

/** How to reach the broker's administration: the management API, or rabbitmqctl on this machine (`-n node`). */
export interface BrokerAdmin {
  managementUrl?: string;
  node?: string;
}

const rabbitmqctl = (admin: BrokerAdmin, args: string[], input?: string) => {
  const r = spawnSync('rabbitmqctl', [...(admin.node ? ['-n', admin.node] : []), '-q', ...args], { encoding: 'utf8', timeout: 60_000, input });
  if (r.status !== 0) throw new Error(`rabbitmqctl ${args[0]} failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  return r.stdout;
};

async function management(admin: BrokerAdmin, method: string, path: string, body?: unknown): Promise<void> {
  const url = new URL(admin.managementUrl!);
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = url.password = '';
  const init: RequestInit = { method, headers: { authorization: auth, 'content-type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(new URL(path, url), init);
  if (!res.ok && res.status !== 404) throw new Error(`RabbitMQ management API ${method} ${path}: ${res.status} ${await res.text()}`);
}

export const canAdminister = (admin: BrokerAdmin) =>
  Boolean(admin.managementUrl) || spawnSync('bash', ['-lc', 'command -v rabbitmqctl'], { encoding: 'utf8' }).status === 0;

/** Creates (or updates) every role's user and permissions, and waits until each can log in. */
export async function provisionBrokerUsers(access: BrokerAccess, admin: BrokerAdmin): Promise<void> {
  const definitions = brokerDefinitions(access);
  if (admin.managementUrl) await management(admin, 'POST', '/api/definitions', definitions);
  // On stdin: rabbitmqctl may run as another user, and the passwords go to no file.
  else rabbitmqctl(admin, ['import_definitions', '--format', 'json'], JSON.stringify(definitions));
  for (const role of BROKER_ROLES) {
    await waitFor(`broker user ${brokerUser(role, access.prefix)}`, async () => {
      const conn = await amqplib.connect(loginUrl(access, role));
      await conn.close();
      return true;
    }, 30_000);
  }
}

/** Deletes these roles' users (and so their permissions); users that do not exist are skipped. */
export async function deleteBrokerUsers(access: Pick<BrokerAccess, 'prefix'>, admin: BrokerAdmin): Promise<void> {
  const names = BROKER_ROLES.map((r) => brokerUser(r, access.prefix));
  if (admin.managementUrl) {
    for (const name of names) await management(admin, 'DELETE', `/api/users/${encodeURIComponent(name)}`);
    return;
  }
  // One rabbitmqctl call for all of them (each call starts an Erlang VM: seconds on a busy machine).
  const list = names.map((n) => `<<"${n.replace(/["\\]/g, '')}">>`).join(', ');
  rabbitmqctl(admin, ['eval', `[rabbit_auth_backend_internal:delete_user(U, <<"cinema-scripts">>) || U <- [${list}], rabbit_auth_backend_internal:exists(U)].`]);
}

/** The URL without its user and password: where every role logs in with its own. */
export function withoutCredentials(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

/**
 * How to create users on the broker at `amqpUrl`: the management API when RABBITMQ_MANAGEMENT_URL is
 * set, rabbitmqctl when the broker is this machine's; otherwise a clear error.
 */
export function brokerAdminFor(amqpUrl: string, env = process.env): BrokerAdmin {
  if (env.RABBITMQ_MANAGEMENT_URL) return { managementUrl: env.RABBITMQ_MANAGEMENT_URL };
  const host = new URL(amqpUrl).hostname;
  if (['127.0.0.1', 'localhost', '[::1]'].includes(host) && canAdminister({})) return {};
  throw new Error(
    `cannot create the broker users on ${host}: set RABBITMQ_MANAGEMENT_URL (http://<admin>:<password>@${host}:15672), ` +
      'or create them from `npm run broker-users -- --definitions` yourself and pass each service its AMQP_URL',
  );
}
