import { ObjectId } from 'mongodb';
import { newEvent } from '@cinema/events';
import { PermanentError, type ApplyOutcome } from '@cinema/messaging';
import { silentLogger } from '@cinema/testing';
import { movieEventHandler } from './movie-handler';
import type { MovieReplica } from './movies';
import type { ScreeningRepository } from '../screening/repository';

/**
 * A movie event whose data names another movie than its aggregateId would write one movie's title
 * onto another's replica: refused as permanent (dead-lettered) before anything is read or written.
 */
describe('catalog movie event handler', () => {
  it('refuses an event whose data.id is not its aggregateId, touching nothing', async () => {
    const touched: string[] = [];
    const movies = { apply: async (): Promise<ApplyOutcome> => (touched.push('apply'), 'applied') } as unknown as MovieReplica;
    const screenings = { cancelUpcomingOfMovie: async () => (touched.push('cancel'), 0) } as unknown as ScreeningRepository;
    const handle = movieEventHandler({ movies, screenings });
    const other = new ObjectId().toHexString();
    const event = newEvent('movie.created', { id: new ObjectId().toHexString(), version: 1 }, { id: other, title: 'Heat', durationMinutes: 170, genres: [], releaseDate: null, synopsis: null }, { correlationId: 't' });
    await expect(handle(event, silentLogger)).rejects.toThrow(PermanentError);
    await expect(handle(event, silentLogger)).rejects.toThrow(/is not the aggregateId/);
    expect(touched).toEqual([]);
  });
});
