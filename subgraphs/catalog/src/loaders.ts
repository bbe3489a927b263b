import { ObjectId } from 'mongodb';
import { loaderGroupedBy } from '@cinema/service-kit';

const HEX_ID = /^[0-9a-fA-F]{24}$/;

/**
 * `loaderGroupedBy` keyed by a parent's id hex, the one-to-many twin of `loaderById`: a malformed
 * key (a gateway representation can carry any string) resolves to [] without reaching MongoDB, and
 * keys are compared lower-cased because ObjectId hex is case-insensitive while Map keys are not.
 * A candidate for service-kit.
 */
export function loaderGroupedById<T>(fetch: (ids: ObjectId[]) => Promise<T[]>, parentId: (doc: T) => ObjectId) {
  return loaderGroupedBy<T>(
    async (keys) => {
      const ids = keys.filter((k) => HEX_ID.test(k)).map((k) => new ObjectId(k));
      return ids.length > 0 ? fetch(ids) : [];
    },
    (doc) => parentId(doc).toHexString(),
    (key) => key.toLowerCase(),
  );
}
