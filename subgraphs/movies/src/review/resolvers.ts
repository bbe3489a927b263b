import { badUserInput, parseInput, parsePage } from '@cinema/service-kit';
import type { MoviesContext } from '../context';
import { toGraphQL as movieToGraphQL } from '../movie/movie';
import { addReviewInput, toGraphQL, type ReviewGraphQL } from './review';

type PageArgs = { first?: number | null; after?: string | null };

export const reviewResolvers = {
  Mutation: {
    async addReview(_: unknown, args: { input: unknown }, ctx: MoviesContext) {
      const input = parseInput(addReviewInput, args.input);
      // Check-then-insert: a delete landing in between leaves a review on a tombstone, which
      // still resolves, so no transaction (FerretDB has none) is needed for consistency.
      const movie = await ctx.movies.findLive(input.movieId);
      if (!movie) throw badUserInput(`no movie with id ${input.movieId.toHexString()}`, 'input.movieId');
      return toGraphQL(await ctx.reviews.create(input));
    },
  },
  Movie: {
    async reviews(movie: { id: string }, args: PageArgs, ctx: MoviesContext) {
      const docs = await ctx.loaders.reviewsByMovie.load({ id: movie.id, page: parsePage(args) });
      return docs.map(toGraphQL);
    },
    averageRating(movie: { id: string }, _: unknown, ctx: MoviesContext) {
      return ctx.loaders.averageRatingByMovie.load(movie.id);
    },
  },
  Review: {
    async movie(review: ReviewGraphQL, _: unknown, ctx: MoviesContext) {
      const doc = await ctx.loaders.movieById.load(review.movieId);
      // Movies are never removed, only tombstoned, so a miss is a broken invariant, not bad input.
      if (!doc) throw new Error(`review ${review.id} refers to missing movie ${review.movieId}`);
      return movieToGraphQL(doc);
    },
    // The users subgraph resolves the rest; here only the key is known, so no database call.
    author(review: ReviewGraphQL) {
      return { __typename: 'User', id: review.authorId };
    },
  },
  User: {
    // Movies stores nothing about users (yet): the key alone is the entity here.
    __resolveReference(ref: { id: unknown }) {
      return typeof ref.id === 'string' ? { id: ref.id } : null;
    },
    async reviews(user: { id: string }, args: PageArgs, ctx: MoviesContext) {
      const docs = await ctx.loaders.reviewsByAuthor.load({ id: user.id, page: parsePage(args) });
      return docs.map(toGraphQL);
    },
  },
};
