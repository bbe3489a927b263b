import { badUserInput, parseId, parseInput } from '@cinema/service-kit';
import { toGraphQL as cinemaToGraphQL } from '../cinema/cinema';
import type { CatalogContext } from '../context';
import { scheduleScreeningInput, toGraphQL, type ScreeningObject } from './screening';

export const screeningResolvers = {
  Mutation: {
    async scheduleScreening(_: unknown, args: { input: unknown }, ctx: CatalogContext) {
      const input = parseInput(scheduleScreeningInput, args.input);
      if (!(await ctx.cinemas.findById(input.cinemaId))) {
        throw badUserInput(`no cinema with id ${input.cinemaId.toHexString()}`, 'input.cinemaId');
      }
      return toGraphQL(await ctx.screenings.schedule(input));
    },
    async cancelScreening(_: unknown, args: { id: unknown }, ctx: CatalogContext) {
      return ctx.screenings.cancel(parseId(args.id));
    },
  },
  Screening: {
    // Batched like Cinema: cancelled and past screenings resolve too, so a reference never breaks.
    async __resolveReference(ref: { id: string }, ctx: CatalogContext) {
      const doc = await ctx.loaders.screeningById.load(ref.id);
      return doc && toGraphQL(doc);
    },
    async cinema(screening: ScreeningObject, _: unknown, ctx: CatalogContext) {
      const doc = await ctx.loaders.cinemaById.load(screening.cinemaId);
      return doc && cinemaToGraphQL(doc);
    },
    // A reference the gateway completes from the movies subgraph: nothing to read here.
    movie(screening: ScreeningObject) {
      return { __typename: 'Movie', id: screening.movieId };
    },
  },
};
