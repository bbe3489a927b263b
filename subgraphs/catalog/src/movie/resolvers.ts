import { MAX_PAGE_SIZE, parsePage } from '@cinema/subgraph-runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { toGraphQL as screeningToGraphQL } from '../screening/screening';

/** Movies are owned by the movies subgraph; catalog only contributes `Movie.screenings`. */
export const movieResolvers = {
  Movie: {
    // No read: the id is all `screenings` needs, and an unknown movie simply has none.
    __resolveReference(ref) {
      return { id: ref.id };
    },
    async screenings(movie, args, ctx) {
      return (await ctx.loaders.upcomingScreeningsByMovie.load({ id: movie.id, page: parsePage(args, MAX_PAGE_SIZE) })).map(screeningToGraphQL);
    },
  },
} satisfies Resolvers;
