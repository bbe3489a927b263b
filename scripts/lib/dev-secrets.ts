import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BROKER_ROLES } from '@cinema/events';
import type { BrokerAccess } from './broker-users';
import { ROOT } from './infra';
import { SUBGRAPHS, type ServiceName } from './stack';

export const DEV_SECRETS_FILE = join(ROOT, '.data', 'dev-secrets.json');

export interface DevSecrets {
  /** One key per subgraph: the gateway signs that subgraph's requests with it, no other subgraph knows it. */
  SIGNING_KEYS: Record<string, string>;
  JWT_SECRET: string;
  /** The password of each role's broker user (cinema-users, …, cinema-gateway, cinema-operator). */
  BROKER_PASSWORDS: Record<string, string>;
}

const hex = () => randomBytes(32).toString('hex');

/**
 * `npm start`'s secrets: random per checkout, kept in .data/dev-secrets.json (git-ignored, mode 600)
 * so tokens from `npm run token` stay valid across restarts. Whatever an older file lacks (a new
 * subgraph's key, a new role's password) is added to it. Production passes its own through the
 * environment; nothing here has a default anybody could know.
 */
export function devSecrets(): DevSecrets {
  const stored = (existsSync(DEV_SECRETS_FILE) ? JSON.parse(readFileSync(DEV_SECRETS_FILE, 'utf8')) : {}) as Partial<DevSecrets>;
  const secrets: DevSecrets = {
    SIGNING_KEYS: Object.fromEntries(SUBGRAPHS.map((s) => [s, stored.SIGNING_KEYS?.[s] ?? hex()])),
    JWT_SECRET: stored.JWT_SECRET ?? hex(),
    BROKER_PASSWORDS: Object.fromEntries(BROKER_ROLES.map((r) => [r, stored.BROKER_PASSWORDS?.[r] ?? randomBytes(18).toString('hex')])),
  };
  if (JSON.stringify(secrets) !== JSON.stringify({ SIGNING_KEYS: stored.SIGNING_KEYS, JWT_SECRET: stored.JWT_SECRET, BROKER_PASSWORDS: stored.BROKER_PASSWORDS })) {
    mkdirSync(join(ROOT, '.data'), { recursive: true });
    writeFileSync(DEV_SECRETS_FILE, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}

/**
 * The environment `npm start` adds, per service: each subgraph its own signing key, the gateway all
 * of them; the user's own variables win (e.g. JWT_JWKS_URL instead of a shared key).
 */
export function devSecretsEnv(env = process.env): { common: NodeJS.ProcessEnv; services: Record<ServiceName, NodeJS.ProcessEnv> } {
  const s = devSecrets();
  const keyOf = (subgraph: string) => env[`GATEWAY_SIGNING_SECRET_${subgraph.toUpperCase()}`] ?? s.SIGNING_KEYS[subgraph]!;
  const services = {
    ...Object.fromEntries(SUBGRAPHS.map((sub) => [sub, { GATEWAY_SIGNING_SECRET: keyOf(sub) }])),
    gateway: Object.fromEntries(SUBGRAPHS.map((sub) => [`GATEWAY_SIGNING_SECRET_${sub.toUpperCase()}`, keyOf(sub)])),
  } as Record<ServiceName, NodeJS.ProcessEnv>;
  return { common: env.JWT_SECRET || env.JWT_JWKS_URL ? {} : { JWT_SECRET: s.JWT_SECRET }, services };
}

/**
 * This checkout's development broker users, `cinema-<checkout>-<role>` (passwords in
 * .data/dev-secrets.json), allowed any namespace as well as none: `npm start` runs without one, chaos
 * and bench stacks with their own. Named after the checkout because one machine's broker serves
 * several (worktrees, other branches whose services need other permissions): creating one's users
 * must never change another's passwords or permissions. Production names them `cinema-<role>`.
 */
export const devUserPrefix = () => `cinema-${createHash('sha256').update(ROOT).digest('hex').slice(0, 6)}-`;

export function devBrokerAccess(base: string): BrokerAccess {
  return { prefix: devUserPrefix(), scope: { pattern: '[A-Za-z0-9_-]{1,40}', bareToo: true }, passwords: devSecrets().BROKER_PASSWORDS, base };
}
