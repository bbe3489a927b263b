import DataLoader from 'dataloader';
import { ObjectId } from 'mongodb';
import type { Page } from './pagination';

/**
 * Per-request DataLoaders: all loads of one tick become ONE query. Keys are id hex strings because a
 * gateway representation can carry any string: malformed keys are dropped before MongoDB and
 * resolve to "nothing", and keys are compared lower-cased (ObjectId hex is case-insensitive).
 */
const HEX_ID = /^[0-9a-fA-F]{24}$/;
const isHexId = (k: unknown): k is string => typeof k === 'string' && HEX_ID.test(k);
const validIds = (keys: readonly unknown[]) => keys.filter(isHexId).map((k) => new ObjectId(k));
// Keys come from representations (`_Any`): a number or an object must resolve to nothing, not throw.
const norm = (k: unknown) => (typeof k === 'string' ? k.toLowerCase() : '');

/** Documents by `_id`; an id that matches nothing resolves to null. */
export function loaderById<T extends { _id: ObjectId }>(
  fetch: (ids: ObjectId[]) => Promise<T[]>,
): DataLoader<string, T | null> {
  return loaderOfMap(async (ids) => new Map((await fetch(ids)).map((d) => [d._id.toHexString(), d])));
}

/** Values a fetch already returns keyed by id hex (e.g. aggregates); missing ids resolve to null. */
export function loaderOfMap<V>(fetch: (ids: ObjectId[]) => Promise<Map<string, V>>): DataLoader<string, V | null> {
  return new DataLoader(async (keys) => {
    const ids = validIds(keys);
    const found = ids.length > 0 ? await fetch(ids) : new Map<string, V>();
    return keys.map((k) => found.get(norm(k)) ?? null);
  });
}

/** A parent's id and the page of its children a field asked for. */
export interface PagedKey {
  id: string;
  page: Page;
}
const pageKey = (page: Page) => `${page.limit}|${page.after?.toHexString() ?? ''}`;
const pagedCacheKey = (key: PagedKey) => `${norm(key.id)}|${pageKey(key.page)}`;

/**
 * Children of many parents, one page each. Parents asking for the same page (the usual case: one
 * field in one selection set) share ONE fetch; different page arguments get one fetch each.
 */
export function pagedLoaderByParent<T>(
  fetch: (ids: ObjectId[], page: Page) => Promise<Map<string, T[]>>,
): DataLoader<PagedKey, T[], string> {
  return new DataLoader<PagedKey, T[], string>(
    async (keys) => {
      const byPage = new Map<string, PagedKey[]>();
      for (const key of keys) byPage.set(pageKey(key.page), [...(byPage.get(pageKey(key.page)) ?? []), key]);
      const results = new Map<string, T[]>();
      await Promise.all(
        [...byPage.values()].map(async (group) => {
          const found = await fetch(validIds(group.map((k) => k.id)), group[0]!.page);
          for (const key of group) results.set(pagedCacheKey(key), found.get(norm(key.id)) ?? []);
        }),
      );
      return keys.map((key) => results.get(pagedCacheKey(key)) ?? []);
    },
    { cacheKeyFn: pagedCacheKey },
  );
}
