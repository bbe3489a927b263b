import { MAX_PAGE_SIZE, parseId, parseInput, parsePage } from '@cinema/subgraph-runtime';
import { toGraphQL as cinemaToGraphQL } from '../cinema/cinema';
import type { Resolvers } from '../__generated__/resolvers-types';
import { createCityInput, toGraphQL } from './city';

export const cityResolvers = {
  Query: {
    // The SDL's default page is the cap, so a list that fit whole before pages still comes back whole.
    async cities(_, args, ctx) {
      return (await ctx.cities.list(parsePage(args, MAX_PAGE_SIZE))).map(toGraphQL);
    },
    async city(_, args, ctx) {
      const doc = await ctx.loaders.cityById.load(parseId(args.id).toHexString());
      return doc && toGraphQL(doc);
    },
  },
  Mutation: {
    async createCity(_, args, ctx) {
      const input = parseInput(createCityInput, args.input);
      return toGraphQL(await ctx.cities.create(input));
    },
  },
  City: {
    // Batched: the cinemas of every city in the response come from one `find`.
    async cinemas(city, args, ctx) {
      return (await ctx.loaders.cinemasByCity.load({ id: city.id, page: parsePage(args, MAX_PAGE_SIZE) })).map(cinemaToGraphQL);
    },
  },
} satisfies Resolvers;
