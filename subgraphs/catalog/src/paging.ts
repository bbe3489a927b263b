import type { Collection, Filter, ObjectId } from 'mongodb';
import { badUserInput } from '@cinema/serving';
import type { Page } from '@cinema/subgraph-runtime';

/**
 * Catalog's lists are ordered by something other than `_id` (a name, a start time), so a page's
 * `after` (the id of the previous page's last item) is turned into a keyset condition on
 * (key, _id): everything after that item in the list's order. The item is read once for its key;
 * an id that names nothing is the client's mistake, not an empty page.
 */
export async function keysetAfter<T extends { _id: ObjectId }>(
  collection: Collection<T>,
  key: keyof T & string,
  page: Page,
  what: string,
): Promise<Filter<T>> {
  if (!page.after) return {};
  const last = await collection.findOne({ _id: page.after } as Filter<T>, { projection: { [key]: 1 } });
  if (!last) throw badUserInput(`after: no ${what} with id ${page.after.toHexString()}`, 'after');
  const value = (last as Record<string, unknown>)[key];
  return { $or: [{ [key]: { $gt: value } }, { [key]: value, _id: { $gt: page.after } }] } as Filter<T>;
}

/**
 * One page per parent, cut from documents already in list order. The cut happens here because a
 * per-group limit needs $facet, $lookup or window operators, none of which FerretDB has (as the
 * movies subgraph's reviews); with a single parent, the caller limits the query itself.
 */
export function pageOfEach<T>(parents: ObjectId[], docs: T[], parentOf: (doc: T) => ObjectId, limit: number): Map<string, T[]> {
  const groups = new Map<string, T[]>(parents.map((id) => [id.toHexString(), []]));
  for (const doc of docs) {
    const group = groups.get(parentOf(doc).toHexString());
    if (group && group.length < limit) group.push(doc);
  }
  return groups;
}
