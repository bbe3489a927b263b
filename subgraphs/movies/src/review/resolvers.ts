import { badUserInput, cause, requireSelfOrAdmin } from '@cinema/serving';
import { parseId, parseInput, parsePage } from '@cinema/subgraph-runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { toGraphQL as movieToGraphQL } from '../movie/movie';
import { addReviewInput, authorName, toGraphQL } from './review';

export const reviewResolvers = {
  Query: {
    // Reviews are never deleted: a review of a deleted movie still resolves (its movie is a tombstone).
    async review(_, args, ctx) {
      const doc = await ctx.reviews.findById(parseId(args.id));
      return doc && toGraphQL(doc);
    },
  },
  Mutation: {
    async addReview(_, args, ctx) {
      const input = parseInput(addReviewInput, args.input);
      // Written as the caller: the author is the token's subject (admins may write for anyone).
      requireSelfOrAdmin(ctx.identity, input.authorId.toHexString(), 'write a review as this author');
      // Check-then-insert: a delete (of the movie, or of the author) landing in between leaves a
      // review on a tombstone, which still resolves, so no transaction (FerretDB has none) is needed.
      const movie = await ctx.movies.findLive(input.movieId);
      if (!movie) throw badUserInput(`no movie with id ${input.movieId.toHexString()}`, 'input.movieId');
      // The author is checked against movies' own replica, never by asking users. A user created a
      // moment ago may not have replicated yet: that is the price of not depending on users being up.
      // Through the loader, so a selected `authorName` costs no second read.
      const author = await ctx.loaders.userProfileById.load(input.authorId.toHexString());
      if (!author || author.deleted) {
        throw badUserInput(`no user with id ${input.authorId.toHexString()} (unknown or deleted)`, 'input.authorId');
      }
      return toGraphQL(await ctx.reviews.create(input, cause(ctx)));
    },
  },
  Movie: {
    async reviews(movie, args, ctx) {
      const docs = await ctx.loaders.reviewsByMovie.load({ id: movie.id, page: parsePage(args) });
      return docs.map(toGraphQL);
    },
    averageRating(movie, _, ctx) {
      return ctx.loaders.averageRatingByMovie.load(movie.id);
    },
  },
  Review: {
    async movie(review, _, ctx) {
      const doc = await ctx.loaders.movieById.load(review.movieId);
      // Movies are never removed, only tombstoned, so a miss is a broken invariant, not bad input.
      if (!doc) throw new Error(`review ${review.id} refers to missing movie ${review.movieId}`);
      return movieToGraphQL(doc);
    },
    // The users subgraph resolves the rest; here only the key is known, so no database call.
    author(review) {
      return { __typename: 'User', id: review.authorId };
    },
    // From the replica, batched: a page of reviews costs one `find` for all their authors.
    async authorName(review, _, ctx) {
      return authorName(await ctx.loaders.userProfileById.load(review.authorId));
    },
  },
  User: {
    // User.reviews needs only the key, so the replica is not consulted: a user it does not know
    // (yet) simply has no reviews here.
    __resolveReference(ref) {
      return typeof ref.id === 'string' ? { id: ref.id } : null;
    },
    async reviews(user, args, ctx) {
      const docs = await ctx.loaders.reviewsByAuthor.load({ id: user.id, page: parsePage(args) });
      return docs.map(toGraphQL);
    },
  },
} satisfies Resolvers;
