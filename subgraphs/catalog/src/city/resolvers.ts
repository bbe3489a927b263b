import { parseId, parseInput } from '@cinema/subgraph-runtime';
import { toGraphQL as cinemaToGraphQL } from '../cinema/cinema';
import type { CatalogContext } from '../context';
import { createCityInput, toGraphQL, type CityObject } from './city';

export const cityResolvers = {
  Query: {
    async cities(_: unknown, __: unknown, ctx: CatalogContext) {
      return (await ctx.cities.list()).map(toGraphQL);
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
    async cinemas(city: CityObject, _: unknown, ctx: CatalogContext) {
      return (await ctx.loaders.cinemasByCity.load(city.id)).map(cinemaToGraphQL);
    },
  },
};
