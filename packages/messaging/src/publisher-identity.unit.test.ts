import { newEvent } from '@cinema/events';
import { planeIdentity } from './broker-user';
import { verifyPublisher } from './publisher-identity';

const id = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const event = newEvent('movie.deleted', { id, version: 2 }, { id }, { correlationId: 'c' });
const catalog = planeIdentity('amqp://cinema-catalog:pw@broker', 'cinema-');
const delivered = (exchange: string, userId?: string, headers: Record<string, unknown> = {}) => ({ fields: { exchange } as never, properties: { userId, headers } as never });

describe('publisher identity', () => {
  it('trusts the owner\'s user through the owner\'s exchanges, live or resync', () => {
    expect(verifyPublisher(event, delivered('ns:movies', 'cinema-movies'), catalog, 'ns')).toEqual({ ok: true, origin: 'live' });
    expect(verifyPublisher(event, delivered('ns:movies:resync', 'cinema-movies'), catalog, 'ns')).toEqual({ ok: true, origin: 'resync' });
  });

  it('refuses anyone else, or no user_id, whatever the exchange', () => {
    expect(verifyPublisher(event, delivered('ns:movies', 'cinema-users'), catalog, 'ns')).toEqual({ ok: false, reason: 'movie.deleted published by "cinema-users": only cinema-movies, the owner of source "movies", may publish it' });
    expect(verifyPublisher(event, delivered('ns:movies'), catalog, 'ns')).toMatchObject({ ok: false, reason: expect.stringMatching(/published by no user_id/) });
  });

  it('refuses the owner\'s user through an exchange that is not the owner\'s', () => {
    expect(verifyPublisher(event, delivered('', 'cinema-movies'), catalog, 'ns')).toEqual({ ok: false, reason: 'movie.deleted arrived through the default exchange, not through movies\'s exchanges' });
    expect(verifyPublisher(event, delivered('ns:users', 'cinema-movies'), catalog, 'ns')).toMatchObject({ ok: false, reason: expect.stringMatching(/arrived through exchange "ns:users"/) });
  });

  it('trusts a retry (routing headers restored) only when the consumer itself sent it', () => {
    const retry = { rascal: { restoreRoutingHeaders: true } };
    expect(verifyPublisher(event, delivered('ns:movies:resync', 'cinema-catalog', retry), catalog, 'ns')).toEqual({ ok: true, origin: 'resync' });
    expect(verifyPublisher(event, delivered('ns:movies', 'cinema-users', retry), catalog, 'ns')).toEqual({ ok: false, reason: 'a retry sent by "cinema-users", not by this consumer (cinema-catalog)' });
  });
});
