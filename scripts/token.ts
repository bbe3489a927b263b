import { parseArgs } from 'node:util';
import { DEV_AUDIENCE, DEV_ISSUER } from '@cinema/serving';
import { mintToken } from '@cinema/testing';
import { devSecrets } from './lib/dev-secrets';

// `npm run token -- --sub <userId> [--scope admin ...] [--ttl 3600]`: a development JWT for Sandbox,
// signed with the same key `npm start` gives the gateway (.data/dev-secrets.json, or JWT_SECRET).
const USAGE = 'usage: npm run token -- --sub <userId> [--scope <scope> ...] [--ttl <seconds>]';

function main() {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      scope: { type: 'string', multiple: true, default: [] },
      ttl: { type: 'string', default: '3600' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!values.sub) throw new Error(`--sub is required (a user id, e.g. from createUser)\n${USAGE}`);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 30 * 86_400) throw new Error('--ttl must be 1..2592000 seconds');
  if (process.env.JWT_JWKS_URL) throw new Error('JWT_JWKS_URL is set: tokens come from your identity provider, not from this script');
  return mintToken({
    sub: values.sub,
    scopes: values.scope,
    expiresIn: ttl,
    secret: process.env.JWT_SECRET ?? devSecrets().JWT_SECRET,
    issuer: process.env.JWT_ISSUER ?? DEV_ISSUER,
    audience: process.env.JWT_AUDIENCE ?? DEV_AUDIENCE,
  }).then((token) => {
    console.log(token);
    if (process.stdout.isTTY) {
      console.error(`\nIn Apollo Sandbox (http://localhost:4000/graphql), Headers → add:\n  Authorization: Bearer ${token}`);
    }
  });
}

Promise.resolve()
  .then(main)
  .catch((err) => {
    console.error(`✗ ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
