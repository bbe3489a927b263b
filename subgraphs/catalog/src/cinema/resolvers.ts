import { badUserInput } from '@cinema/serving';
import { MAX_PAGE_SIZE, parseId, parseInput, parsePage } from '@cinema/subgraph-runtime';
import { toGraphQL as cityToGraphQL } from '../city/city';
import type { Resolvers } from '../__generated__/resolvers-types';
import { toGraphQL as screeningToGraphQL } from '../screening/screening';
import { createCinemaInput, toGraphQL } from './cinema';

export const cinemaResolvers = {
  Query: {
    /** The article's GET /catalog/<cityId>. */
    async catalog(_, args, ctx) {
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
    async createCinema(_, args, ctx) {
      const input = parseInput(createCinemaInput, args.input);
      if (!(await ctx.cities.findById(input.cityId))) {
        throw badUserInput(`no city with id ${input.cityId.toHexString()}`, 'input.cityId');
      }
      return toGraphQL(await ctx.cinemas.create(input));
    },
  },
  Cinema: {
    // Batched: every Cinema representation in one gateway fetch becomes one `find`.
    async __resolveReference(ref, ctx) {
      const doc = await ctx.loaders.cinemaById.load(ref.id);
      return doc && toGraphQL(doc);
    },
    async city(cinema, _, ctx) {
      const doc = await ctx.loaders.cityById.load(cinema.cityId);
      // Cities are never removed, so a miss is a broken invariant, not bad input.
      if (!doc) throw new Error(`cinema ${cinema.id} refers to missing city ${cinema.cityId}`);
      return cityToGraphQL(doc);
    },
    async screenings(cinema, args, ctx) {
      return (await ctx.loaders.upcomingScreeningsByCinema.load({ id: cinema.id, page: parsePage(args, MAX_PAGE_SIZE) })).map(screeningToGraphQL);
    },
    async premieres(cinema, args, ctx) {
      return (await ctx.loaders.upcomingPremieresByCinema.load({ id: cinema.id, page: parsePage(args, MAX_PAGE_SIZE) })).map(screeningToGraphQL);
    },
  },
} satisfies Resolvers;
