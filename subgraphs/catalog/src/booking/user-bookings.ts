import { forbidden, isSelfOrAdmin } from '@cinema/serving';
import { parsePage } from '@cinema/subgraph-runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { toGraphQL } from './booking';

/** Users are owned by the users subgraph; catalog contributes `User.bookings`. */
export const userResolvers = {
  User: {
    // No read: the id is all `bookings` needs, and an unknown user simply has none.
    __resolveReference(ref) {
      return { id: ref.id };
    },
    async bookings(user, args, ctx) {
      if (!isSelfOrAdmin(ctx.identity, user.id.toLowerCase())) throw forbidden('only the user themself or an admin may see User.bookings');
      const docs = await ctx.loaders.bookingsByUser.load({ id: user.id, page: parsePage(args) });
      return docs.map(toGraphQL);
    },
  },
} satisfies Pick<Resolvers, 'User'>;
