import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import { newEvent, type Cause, type DomainEvent } from '@cinema/events';
import { id, text } from '@cinema/subgraph-runtime';
import type { UserProfileDoc } from '../projections/user-profiles';

/**
 * The reviews collection's document. Reviews are immutable, so `version` stays 1 and the outbox
 * only ever holds review.created until the broker confirmed it.
 */
export interface ReviewDoc {
  _id: ObjectId;
  outbox?: DomainEvent[];
  movieId: ObjectId;
  authorId: ObjectId;
  rating: number;
  body: string;
  createdAt: Date;
  version: 1;
}

export const addReviewInput = z.object({
  movieId: id(),
  // Only the format here: that the author exists is the resolver's check against the replica.
  authorId: id(),
  rating: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be between 1 and 5' })
    .max(5, { error: 'must be between 1 and 5' }),
  body: text(5000),
});
export type AddReviewInput = z.infer<typeof addReviewInput>;

export function toGraphQL(doc: ReviewDoc) {
  return {
    id: doc._id.toHexString(),
    // Not schema fields: the parents the Review.movie/author resolvers follow.
    movieId: doc.movieId.toHexString(),
    authorId: doc.authorId.toHexString(),
    rating: doc.rating,
    body: doc.body,
    createdAt: doc.createdAt.toISOString(),
  };
}
export type ReviewGraphQL = ReturnType<typeof toGraphQL>;

/** A user as movies knows it in the graph: by id alone (the users subgraph resolves the rest). */
export interface UserRef {
  id: string;
}

/** The event of a review's creation: the whole review, as replicas would need it. */
export function reviewCreatedEvent(doc: Omit<ReviewDoc, 'outbox'>, cause: Cause): DomainEvent {
  const id = doc._id.toHexString();
  return newEvent(
    'review.created',
    { id, version: doc.version },
    {
      id,
      movieId: doc.movieId.toHexString(),
      authorId: doc.authorId.toHexString(),
      rating: doc.rating,
      body: doc.body,
      createdAt: doc.createdAt.toISOString(),
    },
    cause,
  );
}

/**
 * Review.authorName from movies' replica of profiles. A deleted author's tombstone already carries
 * "Deleted user"; an author the replica has not heard of (a review older than the replica, events
 * still on their way) gets a placeholder rather than failing the query: a resync fills it in.
 */
export const UNKNOWN_USER_NAME = 'Unknown user';
export const authorName = (profile: UserProfileDoc | null) => profile?.fullName ?? UNKNOWN_USER_NAME;
