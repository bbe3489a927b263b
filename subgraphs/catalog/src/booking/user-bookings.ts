import { forbidden, isSelfOrAdmin } from '@cinema/serving';
import { parsePage } from '@cinema/subgraph-runtime';
import type { CatalogContext } from '../context';
import { toGraphQL } from './booking';

/** Users are owned by the users subgraph; catalog contributes `User.bookings`. */
export const userResolvers = {
  User: {
    // No read: the id is all `bookings` needs, and an unknown user simply has none.
    __resolveReference(ref: { id: string }) {
      return { id: ref.id };
    },
    async bookings(user: { id: string }, args: { first?: number | null; after?: string | null }, ctx: CatalogContext) {
      if (!isSelfOrAdmin(ctx.identity, user.id.toLowerCase())) throw forbidden('only the user themself or an admin may see User.bookings');
      const docs = await ctx.loaders.bookingsByUser.load({ id: user.id, page: parsePage(args) });
      return docs.map(toGraphQL);
    },
  },
};
