import { badUserInput, cause } from '@cinema/serving';
import { parseId, parseInput, parsePage } from '@cinema/subgraph-runtime';
import type { MoviesContext } from '../context';
import { createMovieInput, toGraphQL, updateMovieInput } from './movie';

type PageArgs = { first?: number | null; after?: string | null };

export const movieResolvers = {
  Query: {
    async movie(_: unknown, args: { id: unknown }, ctx: MoviesContext) {
      const doc = await ctx.movies.findLive(parseId(args.id));
      return doc && toGraphQL(doc);
    },
    async movies(_: unknown, args: PageArgs, ctx: MoviesContext) {
      const docs = await ctx.movies.list(parsePage(args));
      return docs.map(toGraphQL);
    },
  },
  Mutation: {
    async createMovie(_: unknown, args: { input: unknown }, ctx: MoviesContext) {
      const input = parseInput(createMovieInput, args.input);
      return toGraphQL(await ctx.movies.create(input, cause(ctx)));
    },
    async updateMovie(_: unknown, args: { id: unknown; input: unknown }, ctx: MoviesContext) {
      const id = parseId(args.id);
      const input = parseInput(updateMovieInput, args.input);
      const doc = await ctx.movies.update(id, input, cause(ctx));
      if (!doc) throw badUserInput(`no movie with id ${id.toHexString()}`, 'id');
      return toGraphQL(doc);
    },
    async deleteMovie(_: unknown, args: { id: unknown }, ctx: MoviesContext) {
      return ctx.movies.delete(parseId(args.id), cause(ctx));
    },
  },
  Movie: {
    // Batched: every reference in one gateway fetch becomes one `find`. Representations are
    // `_Any`, so a non-string id is possible and can only mean "no such movie".
    async __resolveReference(ref: { id: unknown }, ctx: MoviesContext) {
      if (typeof ref.id !== 'string') return null;
      const doc = await ctx.loaders.movieById.load(ref.id);
      return doc && toGraphQL(doc);
    },
  },
};
