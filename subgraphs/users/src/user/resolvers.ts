import { badUserInput, cause, forbidden, isSelfOrAdmin, requireSelfOrAdmin } from '@cinema/serving';
import { parseId, parseInput, parsePage } from '@cinema/subgraph-runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { createUserInput, toGraphQL, updateUserProfileInput } from './user';

export const userResolvers = {
  Query: {
    async user(_, args, ctx) {
      const doc = await ctx.users.findLive(parseId(args.id));
      return doc && toGraphQL(doc);
    },
    async users(_, args, ctx) {
      const docs = await ctx.users.list(parsePage(args));
      return docs.map(toGraphQL);
    },
  },
  Mutation: {
    async createUser(_, args, ctx) {
      const input = parseInput(createUserInput, args.input);
      return toGraphQL(await ctx.users.create(input, cause(ctx)));
    },
    async updateUserProfile(_, args, ctx) {
      const id = parseId(args.id);
      requireSelfOrAdmin(ctx.identity, id.toHexString(), 'change this profile');
      const input = parseInput(updateUserProfileInput, args.input);
      const doc = await ctx.users.updateProfile(id, input, cause(ctx));
      if (!doc) throw badUserInput(`no user with id ${id.toHexString()}`, 'id');
      return toGraphQL(doc);
    },
    async deleteUser(_, args, ctx) {
      const id = parseId(args.id);
      requireSelfOrAdmin(ctx.identity, id.toHexString(), 'delete this user');
      return ctx.users.delete(id, cause(ctx));
    },
  },
  User: {
    // The schema says @authenticated; who may see which address depends on the data, so it is checked here.
    email(user, _, ctx) {
      if (!isSelfOrAdmin(ctx.identity, user.id)) throw forbidden('only the user themself or an admin may see User.email');
      return user.email;
    },
    // Batched: every reference in one gateway fetch becomes one `find`.
    async __resolveReference(ref, ctx) {
      const doc = await ctx.loaders.userById.load(ref.id);
      return doc && toGraphQL(doc);
    },
  },
} satisfies Resolvers;
