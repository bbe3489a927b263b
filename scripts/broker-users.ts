import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BROKER_ROLES, DEFAULT_USER_PREFIX } from '@cinema/events';
import { brokerAdminFor, brokerDefinitions, composeDefinitions, loginUrl, passwordVariable, provisionBrokerUsers, withoutCredentials } from './lib/broker-users';
import { devBrokerAccess } from './lib/dev-secrets';
import { ensureRabbit, ROOT } from './lib/infra';

// `npm run broker-users`: the broker users of every role (each service, the gateway, the operator)
// with the permissions derived from packages/events (docs/decisions.md, "A broker user per service").
//   (no flag)      create or update this checkout's development users on the local broker (as
//                  `npm start` does) and print each role's AMQP_URL
//   --compose      write docker/rabbitmq/definitions.json (what docker compose's RabbitMQ loads at boot)
//   --definitions  print RabbitMQ definitions for production: user names `<prefix><role>`, password
//                  hashes from BROKER_PASSWORD_<ROLE>, optionally under --namespace; import them with
//                  `rabbitmqctl import_definitions` or POST /api/definitions
export const COMPOSE_DEFINITIONS = join(ROOT, 'docker', 'rabbitmq', 'definitions.json');

async function main() {
  const { values } = parseArgs({ options: { compose: { type: 'boolean' }, definitions: { type: 'boolean' }, prefix: { type: 'string' }, namespace: { type: 'string' } } });
  if (values.compose) {
    writeFileSync(COMPOSE_DEFINITIONS, `${JSON.stringify(composeDefinitions(), null, 2)}\n`);
    console.log(`wrote ${COMPOSE_DEFINITIONS}`);
    return;
  }
  if (values.definitions) {
    const missing = BROKER_ROLES.map(passwordVariable).filter((v) => !process.env[v]);
    if (missing.length > 0) throw new Error(`set ${missing.join(', ')} (each a random password, e.g. \`openssl rand -hex 24\`)`);
    const passwords = Object.fromEntries(BROKER_ROLES.map((r) => [r, process.env[passwordVariable(r)]!]));
    const scope = values.namespace ? { exact: values.namespace } : undefined;
    console.log(JSON.stringify(brokerDefinitions({ prefix: values.prefix ?? DEFAULT_USER_PREFIX, scope, passwords }, { hashed: true }), null, 2));
    return;
  }
  const amqpUrl = await ensureRabbit();
  const access = devBrokerAccess(withoutCredentials(amqpUrl));
  await provisionBrokerUsers(access, brokerAdminFor(amqpUrl));
  for (const role of BROKER_ROLES) console.log(`${role.padEnd(10)} AMQP_URL=${loginUrl(access, role)}`);
  console.log(`AMQP_USER_PREFIX=${access.prefix}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
