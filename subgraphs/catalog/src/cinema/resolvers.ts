import { badUserInput } from '@cinema/serving';
import { MAX_PAGE_SIZE, parseId, parseInput, parsePage, type PageArgs } from '@cinema/subgraph-runtime';
import { toGraphQL as cityToGraphQL } from '../city/city';
import type { CatalogContext } from '../context';
import { toGraphQL as screeningToGraphQL } from '../screening/screening';
import { createCinemaInput, toGraphQL, type CinemaObject } from './cinema';

export const cinemaResolvers = {
  Query: {
    /** The article's GET /catalog/<cityId>. */
    async catalog(_: unknown, args: { cityId: unknown } & PageArgs, ctx: CatalogContext) {
      const cityId = parseId(args.cityId, 'cityId').toHexString();
      const page = parsePage(args, MAX_PAGE_SIZE);
      // Both queries at once: the existence check costs no extra latency on the happy path.
      const [city, cinemas] = await Promise.all([
        ctx.loaders.cityById.load(cityId),
        ctx.loaders.cinemasByCity.load({ id: cityId, page }),
      ]);
      if (!city) throw badUserInput(`no city with id ${cityId}`, 'cityId');
      return cinemas.map(toGraphQL);
    },
  },
  Mutation: {
    async createCinema(_: unknown, args: { input: unknown }, ctx: CatalogContext) {
      const input = parseInput(createCinemaInput, args.input);
      if (!(await ctx.cities.findById(input.cityId))) {
        throw badUserInput(`no city with id ${input.cityId.toHexString()}`, 'input.cityId');
      }
      return toGraphQL(await ctx.cinemas.create(input));
    },
  },
  Cinema: {
    // Batched: every Cinema representation in one gateway fetch becomes one `find`.
    async __resolveReference(ref: { id: string }, ctx: CatalogContext) {
      const doc = await ctx.loaders.cinemaById.load(ref.id);
      return doc && toGraphQL(doc);
    },
    async city(cinema: CinemaObject, _: unknown, ctx: CatalogContext) {
      const doc = await ctx.loaders.cityById.load(cinema.cityId);
      return doc && cityToGraphQL(doc);
    },
    async screenings(cinema: CinemaObject, args: PageArgs, ctx: CatalogContext) {
      return (await ctx.loaders.upcomingScreeningsByCinema.load({ id: cinema.id, page: parsePage(args, MAX_PAGE_SIZE) })).map(screeningToGraphQL);
    },
    async premieres(cinema: CinemaObject, args: PageArgs, ctx: CatalogContext) {
      return (await ctx.loaders.upcomingPremieresByCinema.load({ id: cinema.id, page: parsePage(args, MAX_PAGE_SIZE) })).map(screeningToGraphQL);
    },
  },
};
