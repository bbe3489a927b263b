/**
 * Brings up the infrastructure the services need, on this machine, when the user did not point us
 * at their own: FerretDB (MongoDB wire protocol) and RabbitMQ. Used by `npm start` and by jest's
 * global setup. Every wait is bounded and says what it waits for.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { ensureBinary, expectedStamp, listenerOn, serverBuild, startedHere, stopServer, type ServerBuild } from './ferretdb';

export const ROOT = resolve(__dirname, '..', '..');
const DATA = join(ROOT, '.data');
const FERRETDB_BIN = join(ROOT, '.tools', 'bin', 'ferretdb');

const say = (msg: string) => process.stderr.write(`› ${msg}\n`);

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let lastNote = started;
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return;
    if (Date.now() - lastNote > 3_000) {
      say(`still waiting for ${what} (${Math.round((Date.now() - started) / 1000)}s)…`);
      lastNote = Date.now();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000}s`);
}

async function mongoPing(url: string): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000 });
  try {
    await client.connect();
    return (await client.db('admin').command({ ping: 1 })).ok === 1;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Sends the AMQP 0-9-1 protocol header and expects a method frame back (Connection.Start). */
export function amqpAnswers(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1')));
    socket.once('data', (chunk) => finish(chunk[0] === 1));
  });
}

/**
 * Returns a MongoDB URL that answers: the user's MONGO_URL, or our FerretDB build on FERRETDB_PORT,
 * started if nothing answers there. A MongoDB answering there is used as it is. A FerretDB of
 * another build (an older scripts/ferretdb.patch) is restarted with this one if this checkout's
 * scripts started it, and refused otherwise: another checkout's tests may be using it.
 */
export async function ensureMongo(env = process.env): Promise<string> {
  if (env.MONGO_URL) {
    await waitFor(`MongoDB at MONGO_URL`, () => mongoPing(env.MONGO_URL!), 15_000);
    return env.MONGO_URL;
  }
  const port = Number(env.FERRETDB_PORT ?? 27017);
  const url = `mongodb://127.0.0.1:${port}`;
  const stamp = expectedStamp(ROOT, env);
  // Each port its own data: two FerretDB processes on the same files would each miss the
  // collections the other created (each keeps its own catalogue in memory).
  const dir = join(DATA, port === 27017 ? 'ferretdb' : `ferretdb-${port}`);
  const pidFile = join(dir, 'ferretdb.pid');
  const running = await serverBuild(url);
  if (running && (!running.ferretdb || running.stamp === stamp)) return url;
  const stale = running ? startedHere(FERRETDB_BIN, port, pidFile) : undefined;
  if (running && stale === undefined) throw new Error(staleBuildMessage(port, running, stamp));
  // Built before the old one stops: its users wait for the restart only, not for the build.
  ensureBinary(ROOT, FERRETDB_BIN, stamp);
  if (running && stale !== undefined) {
    say(`FerretDB on port ${port} is build ${running.stamp ?? '(unstamped)'}, this checkout's is ${stamp}: restarting it (pid ${stale})`);
    await stopServer(stale, url);
  }
  mkdirSync(dir, { recursive: true });
  say(`starting FerretDB on 127.0.0.1:${port} (data in ${dir.slice(ROOT.length + 1)})`);
  const log = openSync(join(dir, 'ferretdb.log'), 'a');
  const child = spawn(
    FERRETDB_BIN,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  closeSync(log);
  writeFileSync(pidFile, `${child.pid}\n`);
  try {
    await waitFor(`FerretDB on port ${port}`, () => mongoPing(url), 30_000);
  } catch (err) {
    const tail = readFileSync(join(dir, 'ferretdb.log'), 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`${(err as Error).message}\n--- ${join(dir, 'ferretdb.log')} ---\n${tail}`);
  }
  const started = await serverBuild(url);
  if (started?.stamp !== stamp) {
    throw new Error(
      `the FerretDB just started from .tools/bin/ferretdb reports build ${started?.stamp ?? '(unstamped)'}, not ${stamp}, ` +
        `though .tools/bin/ferretdb.build says it is: remove .tools/bin/ferretdb.build to have it rebuilt`,
    );
  }
  return url;
}

function staleBuildMessage(port: number, running: ServerBuild, stamp: string): string {
  const who = listenerOn(port);
  return (
    `FerretDB on 127.0.0.1:${port} is build ${running.stamp ?? '(unstamped: older than the build stamp)'}, but ` +
    `scripts/ferretdb.patch here makes ${stamp}, and this checkout did not start that server` +
    `${who ? ` (pid ${who.pid}, ${who.bin})` : ''}: another checkout's tests may be using it, so it is left ` +
    `alone. Run on a port of your own (FERRETDB_PORT=27018), or have whoever started it restart it from ` +
    `the checkout with this patch.`
  );
}

/** Returns an AMQP URL that answers: the user's AMQP_URL, or the local RabbitMQ (started if stopped). */
export async function ensureRabbit(env = process.env): Promise<string> {
  const url = env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const { hostname, port } = new URL(url);
  const p = Number(port || 5672);
  if (await amqpAnswers(hostname, p)) return url;
  if (env.AMQP_URL) {
    await waitFor(`RabbitMQ at AMQP_URL`, () => amqpAnswers(hostname, p), 15_000);
    return url;
  }
  const which = spawnSync('bash', ['-lc', 'command -v rabbitmq-server'], { encoding: 'utf8' });
  if (which.status !== 0) {
    throw new Error(
      'RabbitMQ is not running on 127.0.0.1:5672 and rabbitmq-server is not installed: ' +
        "install it ('apt-get install rabbitmq-server') or set AMQP_URL",
    );
  }
  // A node left running without its application (stop_app) refuses a second start: start the app.
  if (spawnSync('rabbitmqctl', ['-q', 'ping'], { timeout: 30_000 }).status === 0) {
    say('RabbitMQ\'s node is up without its application: rabbitmqctl start_app');
    const app = spawnSync('rabbitmqctl', ['start_app'], { encoding: 'utf8', timeout: 90_000 });
    if (app.status !== 0) throw new Error(`rabbitmqctl start_app failed: ${(app.stderr || app.stdout || String(app.error)).trim()}`);
  } else {
    say('starting RabbitMQ (rabbitmq-server -detached)');
    const started = spawnSync('rabbitmq-server', ['-detached'], { encoding: 'utf8', timeout: 60_000 });
    // Refused at once (not root nor rabbitmq, a node of that name already running): say so now.
    if (started.error || started.status !== 0) {
      throw new Error(`rabbitmq-server -detached failed (exit ${started.status}): ${(started.stderr || started.stdout || String(started.error)).trim()}${rabbitLogTail()}`);
    }
  }
  try {
    await waitFor('RabbitMQ on 127.0.0.1:5672', () => amqpAnswers(hostname, p), 120_000);
  } catch (err) {
    throw new Error(`${(err as Error).message}${rabbitLogTail()}`);
  }
  return url;
}

/** The end of the Debian package's RabbitMQ logs, for an error that says why the node did not come up. */
function rabbitLogTail(): string {
  const dir = '/var/log/rabbitmq';
  const files = ['startup_err', 'startup_log', ...(() => {
    try {
      return readdirSync(dir).filter((f) => /^rabbit@.*\.log$/.test(f));
    } catch {
      return [];
    }
  })()];
  return files
    .map((f) => {
      try {
        const tail = readFileSync(join(dir, f), 'utf8').trim().split('\n').slice(-12).join('\n');
        return tail ? `\n--- ${join(dir, f)} ---\n${tail}` : '';
      } catch {
        return '';
      }
    })
    .join('');
}
