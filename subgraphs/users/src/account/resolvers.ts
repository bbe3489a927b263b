import { badUserInput, cause, forbidden, isSelfOrAdmin, requireAdmin } from '@cinema/serving';
import { parseInput } from '@cinema/subgraph-runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { toGraphQL } from '../user/user';
import { grantCreditsArgs } from './account';

export const accountResolvers = {
  Mutation: {
    // The schema says @requiresScopes admin; checked again here, as every subgraph does.
    async grantCredits(_, args, ctx) {
      requireAdmin(ctx.identity);
      const input = parseInput(grantCreditsArgs, args, '');
      const doc = await ctx.accounts.grant(input.userId, input.amount, input.reason, cause(ctx));
      if (!doc) throw badUserInput(`no user with id ${input.userId.toHexString()}`, 'userId');
      return toGraphQL(doc);
    },
  },
  User: {
    // Like User.email: the schema says @authenticated, and whose balance one may see depends on the data.
    credits(user, _, ctx) {
      if (!isSelfOrAdmin(ctx.identity, user.id)) throw forbidden('only the user themself or an admin may see User.credits');
      return user.credits;
    },
  },
} satisfies Pick<Resolvers, 'Mutation' | 'User'>;
