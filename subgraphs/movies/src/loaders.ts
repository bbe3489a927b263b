import DataLoader from 'dataloader';
import { ObjectId } from 'mongodb';
import type { Page } from '@cinema/service-kit';

/**
 * Loader shapes service-kit does not have yet (candidates to move there): a loader over a fetch
 * that already returns a map by id, and a one-to-many loader whose children are paged.
 */

const HEX_ID = /^[0-9a-fA-F]{24}$/;

/** Malformed ids cannot match anything: they are dropped here and resolve to "nothing". */
const validIds = (keys: readonly string[]) => keys.filter((k) => HEX_ID.test(k)).map((k) => new ObjectId(k));

/** All loads of one tick become ONE `fetch`; an id the map lacks resolves to null. */
export function loaderOfMap<V>(fetch: (ids: ObjectId[]) => Promise<Map<string, V>>): DataLoader<string, V | null> {
  return new DataLoader(async (keys) => {
    const ids = validIds(keys);
    const found = ids.length > 0 ? await fetch(ids) : new Map<string, V>();
    return keys.map((k) => found.get(k.toLowerCase()) ?? null);
  });
}

/** A parent's id and the page of its children a field asked for. */
export interface PagedKey {
  id: string;
  page: Page;
}

const pageKey = (page: Page) => `${page.limit}|${page.after?.toHexString() ?? ''}`;
const cacheKey = (key: PagedKey) => `${key.id}|${pageKey(key.page)}`;

/**
 * Children of many parents, one page each. Parents asking for the same page (the usual case: one
 * field in one selection set) share ONE `fetch`; different page arguments get one fetch each.
 */
export function pagedLoaderByParent<T>(
  fetch: (ids: ObjectId[], page: Page) => Promise<Map<string, T[]>>,
): DataLoader<PagedKey, T[], string> {
  return new DataLoader<PagedKey, T[], string>(
    async (keys) => {
      const byPage = new Map<string, PagedKey[]>();
      for (const key of keys) {
        const group = byPage.get(pageKey(key.page));
        if (group) group.push(key);
        else byPage.set(pageKey(key.page), [key]);
      }
      const results = new Map<string, T[]>();
      await Promise.all(
        [...byPage.values()].map(async (group) => {
          const found = await fetch(validIds(group.map((k) => k.id)), group[0]!.page);
          for (const key of group) results.set(cacheKey(key), found.get(key.id.toLowerCase()) ?? []);
        }),
      );
      return keys.map((key) => results.get(cacheKey(key)) ?? []);
    },
    { cacheKeyFn: cacheKey },
  );
}
