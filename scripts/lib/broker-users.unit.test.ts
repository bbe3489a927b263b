import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brokerDefinitions, composeDefinitions, loginUrl, passwordHash } from './broker-users';
import { ROOT } from './infra';

describe('broker users', () => {
  it('docker compose\'s definitions are the ones the code derives (run `npm run broker-users -- --compose` after changing events or consumers)', () => {
    const committed = readFileSync(join(ROOT, 'docker', 'rabbitmq', 'definitions.json'), 'utf8');
    expect(JSON.parse(committed)).toEqual(composeDefinitions());
    // Placeholders only: no password is in the repository, and no guest is defined.
    expect(committed).not.toMatch(/"password": "(?!@BROKER_PASSWORD_[A-Z]+@)/);
    expect(composeDefinitions().users.map((u) => u.name)).toEqual(['cinema-users', 'cinema-movies', 'cinema-catalog', 'cinema-gateway', 'cinema-operator']);
  });

  it('hashes a password as RabbitMQ\'s rabbit_password_hashing_sha256 does', () => {
    const salt = Buffer.from([1, 2, 3, 4]);
    const hash = Buffer.from(passwordHash('secret', salt), 'base64');
    expect(hash.subarray(0, 4)).toEqual(salt);
    expect(hash.subarray(4)).toEqual(createHash('sha256').update(Buffer.concat([salt, Buffer.from('secret')])).digest());
    const defs = brokerDefinitions({ prefix: 'acme-', scope: { exact: 'prod' }, passwords: { users: 'p' } }, { hashed: true });
    expect(defs.users[0]).toMatchObject({ name: 'acme-users', hashing_algorithm: 'rabbit_password_hashing_sha256' });
    expect(JSON.stringify(defs)).not.toContain('"password"');
    // Under the namespace only: users' own exchanges and queues, and those of the queues it consumes.
    expect(defs.permissions[0]!.write).toMatch(/^\^prod:\(\?:users\|users:unrouted\|users:resync\|users:resync:requests\|users:resync:request\|users:booking:debit\|/);
    expect(new RegExp(defs.permissions[0]!.write).test('prod:movies')).toBe(false);
  });

  it('logs each role in with its own user, whatever the base URL said', () => {
    const access = { prefix: 't-ab-', scope: undefined, passwords: { movies: 'p@ss' }, base: 'amqp://127.0.0.1:5672/?heartbeat=5' };
    expect(loginUrl(access, 'movies')).toBe('amqp://t-ab-movies:p%40ss@127.0.0.1:5672/?heartbeat=5');
  });
});
