import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { amqpAnswers, waitFor } from '../lib/infra';

/**
 * The broker-wide faults (stop_app, close_all_connections, a memory alarm) would hit everything else
 * using the machine's RabbitMQ, so chaos runs on a RabbitMQ node of its own: `cinema-chaos-5673@localhost`
 * on 127.0.0.1:5673 (CHAOS_RABBITMQ_PORT), started here when it is not running and left up for the
 * next run (`rabbitmqctl -n cinema-chaos-5673@localhost stop` ends it). CHAOS_AMQP_URL with
 * CHAOS_RABBITMQ_NODE (required: rabbitmqctl's default node is the shared one) points chaos at
 * another broker instead. rabbitmqctl only ever gets `-n <that node>` (broker.ts).
 */
export interface ChaosBroker {
  amqpUrl: string;
  /** For `rabbitmqctl -n`: always named, so that rabbitmqctl's default node (the shared one) is never hit. */
  node: string;
}

export async function ensureChaosBroker(env = process.env): Promise<ChaosBroker> {
  if (env.CHAOS_AMQP_URL) {
    if (!env.CHAOS_RABBITMQ_NODE) throw new Error('CHAOS_AMQP_URL needs CHAOS_RABBITMQ_NODE, the node the broker-wide faults stop and reconfigure (never rabbitmqctl\'s default)');
    return { amqpUrl: env.CHAOS_AMQP_URL, node: env.CHAOS_RABBITMQ_NODE };
  }
  const port = Number(env.CHAOS_RABBITMQ_PORT ?? 5673);
  if (port === 5672) throw new Error('CHAOS_RABBITMQ_PORT must not be 5672, the shared broker\'s port');
  const node = `cinema-chaos-${port}@localhost`;
  const amqpUrl = `amqp://guest:guest@127.0.0.1:${port}`;
  if (await amqpAnswers('127.0.0.1', port)) return { amqpUrl, node };
  // A run that died between stop_app and start_app left the node up without its app: start that.
  if (spawnSync('rabbitmqctl', ['-n', node, 'start_app'], { timeout: 60_000 }).status === 0) {
    await waitFor(`the chaos RabbitMQ node on 127.0.0.1:${port}`, () => amqpAnswers('127.0.0.1', port), 60_000);
    return { amqpUrl, node };
  }
  if (process.getuid?.() !== 0) {
    throw new Error(`no RabbitMQ on 127.0.0.1:${port} for chaos, and only root can start one with rabbitmq-server here; start a node there, or set CHAOS_AMQP_URL (and CHAOS_RABBITMQ_NODE)`);
  }
  // Its own data, logs and listener, owned by the rabbitmq user the server drops to.
  const dir = `/tmp/cinema-chaos-rabbitmq-${port}`;
  mkdirSync(`${dir}/mnesia`, { recursive: true });
  mkdirSync(`${dir}/log`, { recursive: true });
  writeFileSync(`${dir}/enabled_plugins`, '[].\n');
  writeFileSync(`${dir}/rabbitmq.conf`, `listeners.tcp.local = 127.0.0.1:${port}\n`);
  spawnSync('chown', ['-R', 'rabbitmq:rabbitmq', dir]);
  process.stderr.write(`› starting a RabbitMQ node of its own for chaos (${node}, 127.0.0.1:${port})\n`);
  const started = spawnSync('rabbitmq-server', ['-detached'], {
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      ...env,
      RABBITMQ_NODENAME: node,
      RABBITMQ_DIST_PORT: String(port + 20_000),
      RABBITMQ_CONFIG_FILE: `${dir}/rabbitmq.conf`,
      RABBITMQ_MNESIA_BASE: `${dir}/mnesia`,
      RABBITMQ_LOG_BASE: `${dir}/log`,
      RABBITMQ_ENABLED_PLUGINS_FILE: `${dir}/enabled_plugins`,
      RABBITMQ_PID_FILE: `${dir}/pid`,
    },
  });
  if (started.error || started.status !== 0) throw new Error(`could not start rabbitmq-server for chaos: ${started.stderr || started.error?.message}`);
  await waitFor(`the chaos RabbitMQ node on 127.0.0.1:${port} (logs in ${dir}/log)`, () => amqpAnswers('127.0.0.1', port), 90_000);
  return { amqpUrl, node };
}
