import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import { text } from '@cinema/subgraph-runtime';

/** The cities collection's document. `version` is the aggregate version events will carry. */
export interface CityDoc {
  _id: ObjectId;
  name: string;
  /** `cityNameKey(name)`: what the unique index compares, so duplicates differing in case are caught. */
  nameKey: string;
  createdAt: Date;
  version: number;
}

export const createCityInput = z.object({ name: text(100) });
export type CreateCityInput = z.infer<typeof createCityInput>;

/**
 * The identity of a city name: lower-cased, and also NFC-normalized with runs of spaces collapsed,
 * because "São Paulo" typed with a combining accent or a double space is still the same city.
 */
export function cityNameKey(name: string): string {
  return name.normalize('NFC').replace(/\s+/g, ' ').toLowerCase();
}

export function toGraphQL(doc: CityDoc) {
  return { id: doc._id.toHexString(), name: doc.name };
}
export type CityObject = ReturnType<typeof toGraphQL>;
