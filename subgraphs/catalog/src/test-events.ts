import { ObjectId } from 'mongodb';
import { newEvent } from '@cinema/events';
import type { MovieEvent } from './projections/movies';

/**
 * For tests only: the events the movies subgraph publishes, built through the contract
 * (@cinema/events), so catalog's replica is seeded exactly the way production fills it.
 */
const fromMovies = { correlationId: 'movies-request' };
const hex = (id: ObjectId | string) => (typeof id === 'string' ? id : id.toHexString());

export function movieCreated(id: ObjectId | string, title: string, version = 1, at?: Date): MovieEvent {
  const data = { id: hex(id), title, durationMinutes: 120, genres: ['drama'], releaseDate: '2029-05-01', synopsis: null };
  return newEvent('movie.created', { id: hex(id), version }, data, fromMovies, at);
}

export function movieUpdated(id: ObjectId | string, title: string, version: number, at?: Date): MovieEvent {
  const data = { id: hex(id), title, durationMinutes: 125, genres: ['drama', 'sci-fi'], releaseDate: '2029-05-01', synopsis: 'Longer cut' };
  return newEvent('movie.updated', { id: hex(id), version }, data, fromMovies, at);
}

export function movieDeleted(id: ObjectId | string, version: number, at?: Date): MovieEvent {
  return newEvent('movie.deleted', { id: hex(id), version }, { id: hex(id) }, fromMovies, at);
}
