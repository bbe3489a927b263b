import { ensureMongo, ensureRabbit } from './lib/infra';

// `npm run infra`: starts (or finds) FerretDB and RabbitMQ and prints where they are.
async function main() {
  const [mongo, amqp] = await Promise.all([ensureMongo(), ensureRabbit()]);
  console.log(`MONGO_URL=${mongo}`);
  console.log(`AMQP_URL=${amqp.replace(/\/\/[^@]*@/, '//***@')}`);
}
main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
