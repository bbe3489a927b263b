import { MAX_PAGE_SIZE, parseId, parseInput, parsePage, type PageArgs } from '@cinema/subgraph-runtime';
import { toGraphQL as cinemaToGraphQL } from '../cinema/cinema';
import type { CatalogContext } from '../context';
import { createCityInput, toGraphQL, type CityObject } from './city';

export const cityResolvers = {
  Query: {
    // The SDL's default page is the cap, so a list that fit whole before pages still comes back whole.
    async cities(_: unknown, args: PageArgs, ctx: CatalogContext) {
      return (await ctx.cities.list(parsePage(args, MAX_PAGE_SIZE))).map(toGraphQL);
    },
    async city(_: unknown, args: { id: unknown }, ctx: CatalogContext) {
      const doc = await ctx.loaders.cityById.load(parseId(args.id).toHexString());
      return doc && toGraphQL(doc);
    },
  },
  Mutation: {
    async createCity(_: unknown, args: { input: unknown }, ctx: CatalogContext) {
      const input = parseInput(createCityInput, args.input);
      return toGraphQL(await ctx.cities.create(input));
    },
  },
  City: {
    // Batched: the cinemas of every city in the response come from one `find`.
    async cinemas(city: CityObject, args: PageArgs, ctx: CatalogContext) {
      return (await ctx.loaders.cinemasByCity.load({ id: city.id, page: parsePage(args, MAX_PAGE_SIZE) })).map(cinemaToGraphQL);
    },
  },
};
