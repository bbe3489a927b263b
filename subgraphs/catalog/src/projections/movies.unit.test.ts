import { ObjectId } from 'mongodb';
import { movieCreated, movieDeleted, movieUpdated } from '../test-events';
import { evolveMovie, isSchedulable, titleOf, type MovieReplicaDoc } from './movies';

const id = new ObjectId();
const at = new Date('2030-01-01T12:00:00Z');

describe('evolveMovie', () => {
  it('turns movie.created into the replicated state, live, stamped with when it happened', () => {
    expect(evolveMovie(movieCreated(id, 'Dune', 1, at))).toEqual({
      title: 'Dune',
      durationMinutes: 120,
      genres: ['drama'],
      releaseDate: '2029-05-01',
      deleted: false,
      eventAt: at,
    });
  });

  it('turns movie.updated into the whole new state (events carry state, not a diff); synopsis is not replicated', () => {
    expect(evolveMovie(movieUpdated(id, 'Dune: Part One', 2, at))).toEqual({
      title: 'Dune: Part One',
      durationMinutes: 125,
      genres: ['drama', 'sci-fi'],
      releaseDate: '2029-05-01',
      deleted: false,
      eventAt: at,
    });
  });

  it('turns movie.deleted into a tombstone flag only, so the last known title stays', () => {
    expect(evolveMovie(movieDeleted(id, 3, at))).toEqual({ deleted: true, eventAt: at });
  });

  it('is pure: the same event gives the same fields and is left untouched', () => {
    const event = movieUpdated(id, 'Dune', 2, at);
    const copy = structuredClone(event);
    expect(evolveMovie(event)).toEqual(evolveMovie(event));
    expect(evolveMovie(event)).not.toBe(evolveMovie(event));
    expect(event).toEqual(copy);
  });
});

describe('reading the replica', () => {
  const live: MovieReplicaDoc = { _id: id, title: 'Dune', deleted: false, version: 1, eventAt: at };

  it('lets only a known, live movie be scheduled', () => {
    expect(isSchedulable(live)).toBe(true);
    expect(isSchedulable({ ...live, deleted: true })).toBe(false);
    expect(isSchedulable(null)).toBe(false);
    // Known only from its deletion (the first event catalog saw of it).
    expect(isSchedulable({ _id: id, deleted: true, version: 4, eventAt: at })).toBe(false);
  });

  it('titles a deleted movie by its last title and an unknown one as "Unknown movie"', () => {
    expect(titleOf({ ...live, deleted: true })).toBe('Dune');
    expect(titleOf(null)).toBe('Unknown movie');
    expect(titleOf({ _id: id, deleted: true, version: 4, eventAt: at })).toBe('Unknown movie');
  });
});
