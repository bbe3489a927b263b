import { PassThrough } from 'node:stream';
import pretty from 'pino-pretty';
import { brokerAdminFor, provisionBrokerUsers, withoutCredentials } from './lib/broker-users';
import { devBrokerAccess, devSecretsEnv } from './lib/dev-secrets';
import { ensureMongo, ensureRabbit } from './lib/infra';
import { startStack, type InstanceName } from './lib/stack';
import { composeSupergraph, SUPERGRAPH_PATH } from './lib/supergraph';
import { readFileSync } from 'node:fs';

// `npm start`: infrastructure (FerretDB + RabbitMQ unless MONGO_URL/AMQP_URL are given), the three
// subgraphs and the gateway, with readable logs; Ctrl-C stops everything cleanly.
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** Pretty, service-tagged logs on a terminal; raw JSON lines otherwise (pipe them to a collector). */
function output(service: InstanceName) {
  if (!process.stdout.isTTY) {
    const lines = new PassThrough();
    lines.pipe(process.stdout);
    return lines;
  }
  return pretty({ colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname,service', messageFormat: `[${service}] {msg}` });
}

async function main() {
  if (readFileSync(SUPERGRAPH_PATH, 'utf8') !== composeSupergraph()) {
    console.warn('! schema/supergraph.graphql is stale: run `npm run compose` (serving the committed one)');
  }
  const [mongoUrl, amqpUrl] = await Promise.all([ensureMongo(), ensureRabbit()]);
  // Each service logs in as its own broker user (cinema-users, …): created or updated now.
  const broker = devBrokerAccess(withoutCredentials(amqpUrl));
  await provisionBrokerUsers(broker, brokerAdminFor(amqpUrl));
  const secrets = devSecretsEnv();
  process.stderr.write('› starting users, movies, catalog and the gateway…\n');
  const stack = await startStack({
    mongoUrl,
    broker,
    env: secrets.common,
    serviceEnv: secrets.services,
    ports: { gateway: port('PORT', 4000), users: port('USERS_PORT', 4001), movies: port('MOVIES_PORT', 4002), catalog: port('CATALOG_PORT', 4003) },
    output,
    onExit: (service, code) => {
      console.error(`✗ ${service} exited (code ${code}); stopping the stack`);
      void stack.stop().then(() => process.exit(1));
    },
  });
  // (onExit fires only once the stack is up: a failure while starting rejects startStack instead.)
  console.log(`\n✓ Gateway ready: ${stack.gatewayUrl}  (open it in a browser for Apollo Sandbox)`);
  console.log('  a token for it: npm run token -- --sub <userId> --scope admin   (README: "Identity and access")\n');
  const shutdown = () => void stack.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(`✗ ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
