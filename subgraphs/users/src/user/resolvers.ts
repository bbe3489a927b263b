import { badUserInput, cause, forbidden, isSelfOrAdmin, requireSelfOrAdmin } from '@cinema/serving';
import { parseId, parseInput, parsePage } from '@cinema/subgraph-runtime';
import type { UsersContext } from '../context';
import { createUserInput, toGraphQL, updateUserProfileInput } from './user';

export const userResolvers = {
  Query: {
    async user(_: unknown, args: { id: unknown }, ctx: UsersContext) {
      const doc = await ctx.users.findLive(parseId(args.id));
      return doc && toGraphQL(doc);
    },
    async users(_: unknown, args: { first?: number | null; after?: string | null }, ctx: UsersContext) {
      const docs = await ctx.users.list(parsePage(args));
      return docs.map(toGraphQL);
    },
  },
  Mutation: {
    async createUser(_: unknown, args: { input: unknown }, ctx: UsersContext) {
      const input = parseInput(createUserInput, args.input);
      return toGraphQL(await ctx.users.create(input, cause(ctx)));
    },
    async updateUserProfile(_: unknown, args: { id: unknown; input: unknown }, ctx: UsersContext) {
      const id = parseId(args.id);
      requireSelfOrAdmin(ctx.identity, id.toHexString(), 'change this profile');
      const input = parseInput(updateUserProfileInput, args.input);
      const doc = await ctx.users.updateProfile(id, input, cause(ctx));
      if (!doc) throw badUserInput(`no user with id ${id.toHexString()}`, 'id');
      return toGraphQL(doc);
    },
    async deleteUser(_: unknown, args: { id: unknown }, ctx: UsersContext) {
      const id = parseId(args.id);
      requireSelfOrAdmin(ctx.identity, id.toHexString(), 'delete this user');
      return ctx.users.delete(id, cause(ctx));
    },
  },
  User: {
    // The schema says @authenticated; who may see which address depends on the data, so it is checked here.
    email(user: { id: string; email: string }, _: unknown, ctx: UsersContext) {
      if (!isSelfOrAdmin(ctx.identity, user.id)) throw forbidden('only the user themself or an admin may see User.email');
      return user.email;
    },
    // Batched: every reference in one gateway fetch becomes one `find`.
    async __resolveReference(ref: { id: string }, ctx: UsersContext) {
      const doc = await ctx.loaders.userById.load(ref.id);
      return doc && toGraphQL(doc);
    },
  },
};
