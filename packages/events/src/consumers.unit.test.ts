import { resyncProgressSchema, resyncRequestSchema } from './consumers';

describe('resync messages', () => {
  it('accepts a request for a consumer queue, with or without an operator\'s queue for progress', () => {
    expect(resyncRequestSchema.parse({ requestId: 'r1', queue: 'movies:user:replicate' })).toEqual({ requestId: 'r1', queue: 'movies:user:replicate' });
    expect(resyncRequestSchema.safeParse({ requestId: 'r1', queue: 'catalog:movie:replicate', replyTo: 'ops:resync:r1', requestedAt: '2030-01-01T00:00:00.000Z' }).success).toBe(true);
  });

  it.each([
    ['an unknown queue', { requestId: 'r1', queue: 'movies:user:delete' }],
    ['no requestId', { queue: 'movies:user:replicate' }],
    ['an empty replyTo', { requestId: 'r1', queue: 'movies:user:replicate', replyTo: '' }],
    // Progress into a consumer queue (or any queue but an operator's) would feed it garbage.
    ['a replyTo that is not an operator\'s', { requestId: 'r1', queue: 'movies:user:replicate', replyTo: 'catalog:movie:replicate' }],
    ['a requestId that is not a plain id', { requestId: 'r 1; drop', queue: 'movies:user:replicate' }],
    ['not an object', 'resync please'],
  ])('rejects %s', (_name, request) => {
    expect(resyncRequestSchema.safeParse(request).success).toBe(false);
  });

  it('reports progress as whole counts', () => {
    expect(resyncProgressSchema.safeParse({ requestId: 'r1', sent: 500, total: 1200, done: false }).success).toBe(true);
    expect(resyncProgressSchema.safeParse({ requestId: 'r1', sent: -1, total: 1200, done: false }).success).toBe(false);
  });
});
