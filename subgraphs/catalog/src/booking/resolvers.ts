import { ObjectId } from 'mongodb';
import { ADMIN_SCOPE, badUserInput, cause, forbidden, hasScope, isSelfOrAdmin, requireIdentity, type Identity } from '@cinema/serving';
import { parseId, parseInput } from '@cinema/subgraph-runtime';
import type { CatalogContext } from '../context';
import type { Resolvers } from '../__generated__/resolvers-types';
import { toGraphQL as screeningToGraphQL } from '../screening/screening';
import { bookSeats } from './book-seats';
import { bookSeatsInput, isLive, toGraphQL, type BookingDoc, type BookingObject } from './booking';
import { settleBooking } from './settle';

const USER_ID = /^[0-9a-fA-F]{24}$/;

/** Whom a booking is for: the caller, or (admins only) the user `input.userId` names. */
function bookerOf(identity: Identity | null, named: ObjectId | null | undefined): ObjectId {
  const who = requireIdentity(identity);
  if (named) {
    if (named.toHexString() !== who.sub.toLowerCase() && !hasScope(who, ADMIN_SCOPE)) throw forbidden('only an admin may book for another user (input.userId)');
    return named;
  }
  if (!USER_ID.test(who.sub)) throw forbidden("bookings are a user's: this token's subject is not a user id (an admin names the user with input.userId)");
  return new ObjectId(who.sub);
}

/** A booking is its owner's and the admins' business; anyone else gets FORBIDDEN. */
function visible(doc: BookingDoc, ctx: CatalogContext): BookingObject {
  if (!isSelfOrAdmin(ctx.identity, doc.userId.toHexString())) throw forbidden("only the booking's owner or an admin may see it");
  return toGraphQL(doc);
}

export const bookingResolvers = {
  Query: {
    async booking(_, args, ctx) {
      const doc = await ctx.loaders.bookingById.load(parseId(args.id).toHexString());
      return doc && visible(doc, ctx);
    },
  },
  Mutation: {
    async bookSeats(_, args, ctx) {
      const input = parseInput(bookSeatsInput, args.input);
      const userId = bookerOf(ctx.identity, input.userId);
      const doc = await bookSeats(ctx.saga, { screeningId: input.screeningId, seats: input.seats, userId }, ctx.bookingTimeoutMs, cause(ctx));
      return toGraphQL(doc);
    },
    async cancelBooking(_, args, ctx) {
      const id = parseId(args.id);
      const doc = await ctx.bookings.findById(id);
      if (!doc) throw badUserInput(`no booking with id ${id.toHexString()}`, 'id');
      visible(doc, ctx);
      if (!isLive(doc.status)) throw badUserInput(`the booking is already ${doc.status.toLowerCase()}`, 'id');
      const screening = await ctx.screenings.findById(doc.screeningId);
      if (screening && screening.startsAt <= ctx.saga.now()) throw badUserInput('the screening has already started', 'id');
      const by = ctx.identity!.sub.toLowerCase() === doc.userId.toHexString() ? 'its owner' : 'an admin';
      const settled = await settleBooking(ctx.saga, id, { type: 'cancel', reason: `cancelled by ${by}` }, cause(ctx));
      // Not applied: something closed it a moment ago (an expiry, a rejection): that is the answer.
      return toGraphQL(settled.doc ?? doc);
    },
  },
  Booking: {
    async __resolveReference(ref, ctx) {
      const doc = await ctx.loaders.bookingById.load(ref.id);
      return doc && visible(doc, ctx);
    },
    async screening(booking, _, ctx) {
      const doc = await ctx.loaders.screeningById.load(booking.screeningId);
      // Screenings are never removed (a cancelled one stays), so a miss is a broken invariant.
      if (!doc) throw new Error(`booking ${booking.id} refers to missing screening ${booking.screeningId}`);
      return screeningToGraphQL(doc);
    },
    // A reference the gateway completes from the users subgraph: nothing to read here.
    user(booking) {
      return { __typename: 'User', id: booking.userId };
    },
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Booking'>;
