import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './infra';

export const DEV_SECRETS_FILE = join(ROOT, '.data', 'dev-secrets.json');

export interface DevSecrets {
  GATEWAY_SIGNING_SECRET: string;
  JWT_SECRET: string;
}

/**
 * `npm start`'s secrets: random per checkout, kept in .data/dev-secrets.json (git-ignored, mode 600)
 * so tokens from `npm run token` stay valid across restarts. Production passes its own through the
 * environment; nothing here has a default anybody could know.
 */
export function devSecrets(): DevSecrets {
  if (existsSync(DEV_SECRETS_FILE)) return JSON.parse(readFileSync(DEV_SECRETS_FILE, 'utf8')) as DevSecrets;
  const secrets: DevSecrets = {
    GATEWAY_SIGNING_SECRET: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('hex'),
  };
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  writeFileSync(DEV_SECRETS_FILE, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** The environment `npm start` adds: the user's own variables win (e.g. JWT_JWKS_URL instead of a shared key). */
export function devSecretsEnv(env = process.env): NodeJS.ProcessEnv {
  const s = devSecrets();
  return {
    GATEWAY_SIGNING_SECRET: env.GATEWAY_SIGNING_SECRET ?? s.GATEWAY_SIGNING_SECRET,
    ...(env.JWT_SECRET || env.JWT_JWKS_URL ? {} : { JWT_SECRET: s.JWT_SECRET }),
  };
}
