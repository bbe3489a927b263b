import type { EventType } from './registry';

/**
 * One sentence per event for the event catalog (docs/asyncapi.yaml, docs/events.md): what happened
 * and what `data` holds. Kept apart from the schemas so that adding an event never waits on prose;
 * the catalog marks an event without a summary.
 */
export const EVENT_SUMMARIES: { readonly [T in EventType]?: string } = {
  'user.created': 'A user signed up; data is their id and name (since schema version 2 the e-mail stays in users).',
  'user.profile.updated': "A user's profile changed; data is their id and name after the change (also sent by a resync).",
  'user.deleted': 'A user was deleted (their personal data erased at the source); replicas keep a tombstone.',
  'movie.created': 'A movie was added to the catalogue; data is its state.',
  'movie.updated': "A movie's details changed; data is its whole state after the change (also sent by a resync).",
  'movie.deleted': 'A movie was deleted (a tombstone at the source); catalog cancels its future screenings.',
  'review.created': 'A review was written; reviews are never edited, so this is its only event.',
  'screening.scheduled': 'A screening was scheduled at a cinema.',
  'screening.cancelled': 'A screening was cancelled, by an admin or because its movie was deleted (reason).',
};
