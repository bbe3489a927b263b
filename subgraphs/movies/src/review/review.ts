import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import { id, text } from '@cinema/service-kit';

/** The reviews collection's document. Reviews are immutable, so `version` stays 1. */
export interface ReviewDoc {
  _id: ObjectId;
  movieId: ObjectId;
  authorId: ObjectId;
  rating: number;
  body: string;
  createdAt: Date;
  version: 1;
}

export const addReviewInput = z.object({
  movieId: id(),
  // Only the format is checked for now; the author must later be known to the user-profile replica.
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
