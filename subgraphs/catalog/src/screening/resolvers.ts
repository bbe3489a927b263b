import { badUserInput, cause } from '@cinema/serving';
import { parseId, parseInput } from '@cinema/subgraph-runtime';
import { capacityOf, toGraphQL as cinemaToGraphQL } from '../cinema/cinema';
import { cancelScreeningBookings } from '../booking/cancel-screening-bookings';
import type { Resolvers } from '../__generated__/resolvers-types';
import { isSchedulable, titleOf } from '../projections/movies';
import { scheduleScreeningInput, toGraphQL } from './screening';
import { takenSeatsPage } from './taken-seats';

export const screeningResolvers = {
  Query: {
    // Cancelled and past screenings too, as a reference to one resolves (the loader is shared with it).
    async screening(_, args, ctx) {
      const doc = await ctx.loaders.screeningById.load(parseId(args.id).toHexString());
      return doc && toGraphQL(doc);
    },
  },
  Mutation: {
    async scheduleScreening(_, args, ctx) {
      const input = parseInput(scheduleScreeningInput, args.input);
      // Both checks at once; the movie is checked against catalog's own replica, never by calling movies.
      const [cinema, movie] = await Promise.all([ctx.cinemas.findById(input.cinemaId), ctx.movies.findById(input.movieId)]);
      if (!cinema) throw badUserInput(`no cinema with id ${input.cinemaId.toHexString()}`, 'input.cinemaId');
      if (!isSchedulable(movie)) {
        const why = movie ? 'has been deleted' : 'is unknown to the catalog';
        throw badUserInput(`movie ${input.movieId.toHexString()} ${why}`, 'input.movieId');
      }
      const requestCause = cause(ctx);
      // Seats are the cinema's (its capacity never changes): copied, so a hold needs only this document.
      const doc = await ctx.screenings.schedule({ ...input, capacity: capacityOf(cinema) }, requestCause);
      // A movie.deleted applied between the check above and the insert would miss this screening:
      // its handler lists the movie's screenings after writing the tombstone. Re-reading the replica
      // after the insert closes that gap (either the handler saw our insert or we see its tombstone;
      // if both, cancel's guard keeps it to one cancellation). Not through the loader: its cache
      // would answer the pre-insert read.
      if ((await ctx.movies.findById(input.movieId))?.deleted) {
        // Null when the deletion's handler got there first: then the stored screening is the truth.
        const cancelled = (await ctx.screenings.cancel(doc._id, 'movie-deleted', requestCause)) ?? (await ctx.screenings.findById(doc._id));
        return toGraphQL(cancelled ?? doc);
      }
      return toGraphQL(doc);
    },
    async cancelScreening(_, args, ctx) {
      const requestCause = cause(ctx);
      const cancelled = await ctx.screenings.cancel(parseId(args.id), 'cancelled', requestCause);
      // Its bookings go too, each refunded by users (booking.cancelled); the sweeper finishes this
      // should the process die first (the cancellation flagged the screening's holds).
      if (cancelled) await cancelScreeningBookings(ctx.saga, cancelled, requestCause);
      return cancelled !== null;
    },
  },
  Screening: {
    takenSeats(screening, args) {
      return takenSeatsPage(screening.takenSeats, args);
    },
    // Batched like Cinema: cancelled and past screenings resolve too, so a reference never breaks.
    async __resolveReference(ref, ctx) {
      const doc = await ctx.loaders.screeningById.load(ref.id);
      return doc && toGraphQL(doc);
    },
    async cinema(screening, _, ctx) {
      const doc = await ctx.loaders.cinemaById.load(screening.cinemaId);
      // Cinemas are never removed, so a miss is a broken invariant, not bad input.
      if (!doc) throw new Error(`screening ${screening.id} refers to missing cinema ${screening.cinemaId}`);
      return cinemaToGraphQL(doc);
    },
    // A reference the gateway completes from the movies subgraph: nothing to read here.
    movie(screening) {
      return { __typename: 'Movie', id: screening.movieId };
    },
    // From catalog's replica, batched: a catalog page costs one read of titles, no call to movies.
    async movieTitle(screening, _, ctx) {
      return titleOf(await ctx.loaders.movieById.load(screening.movieId));
    },
  },
} satisfies Resolvers;
