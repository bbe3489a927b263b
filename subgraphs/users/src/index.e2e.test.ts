import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { exitWithin, TEST_SIGNING_SECRET } from '@cinema/testing';

/** The users process refuses to start in production unless it logs in to the broker as its own user. */
function start(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'index.ts')], {
    env: { ...process.env, NODE_ENV: 'production', PORT: '0', LOG_LEVEL: 'silent', MONGO_URL: 'mongodb://127.0.0.1:1', GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET, AMQP_USER_PREFIX: 'cinema-', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  return { exited: exitWithin(child, 20_000), stderr: () => stderr };
}

describe('users process and its broker login', () => {
  it.each([
    ['guest', 'amqp://guest:guest@127.0.0.1:5672', /AMQP_URL: logs in as guest, which is refused in production: use the service's own broker user \(cinema-users\)/],
    ['no user at all (amqplib logs in as guest)', 'amqp://127.0.0.1:5672', /logs in as guest/],
    ['another service\'s user', 'amqp://cinema-movies:x@127.0.0.1:5672', /logs in as "cinema-movies": this service's broker user is "cinema-users"/],
  ])('exits in production with a clear message when AMQP_URL logs in as %s', async (_name, url, message) => {
    const p = start({ AMQP_URL: url });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(message);
  }, 30_000);
});
