import { badUserInput, cause } from '@cinema/serving';
import { parseId, parseInput, parsePage } from '@cinema/subgraph-runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { createMovieInput, toGraphQL, updateMovieInput } from './movie';

export const movieResolvers = {
  Query: {
    async movie(_, args, ctx) {
      const doc = await ctx.movies.findLive(parseId(args.id));
      return doc && toGraphQL(doc);
    },
    async movies(_, args, ctx) {
      const docs = await ctx.movies.list(parsePage(args));
      return docs.map(toGraphQL);
    },
  },
  Mutation: {
    async createMovie(_, args, ctx) {
      const input = parseInput(createMovieInput, args.input);
      return toGraphQL(await ctx.movies.create(input, cause(ctx)));
    },
    async updateMovie(_, args, ctx) {
      const id = parseId(args.id);
      const input = parseInput(updateMovieInput, args.input);
      const doc = await ctx.movies.update(id, input, cause(ctx));
      if (!doc) throw badUserInput(`no movie with id ${id.toHexString()}`, 'id');
      return toGraphQL(doc);
    },
    async deleteMovie(_, args, ctx) {
      return ctx.movies.delete(parseId(args.id), cause(ctx));
    },
  },
  Movie: {
    // Batched: every reference in one gateway fetch becomes one `find`. Representations are
    // `_Any`, so a non-string id is possible and can only mean "no such movie".
    async __resolveReference(ref, ctx) {
      if (typeof ref.id !== 'string') return null;
      const doc = await ctx.loaders.movieById.load(ref.id);
      return doc && toGraphQL(doc);
    },
  },
} satisfies Resolvers;
