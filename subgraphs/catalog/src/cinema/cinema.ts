import type { ObjectId } from 'mongodb';
import { z } from 'zod';
import { id, text } from '@cinema/subgraph-runtime';

/** The cinemas collection's document. `version` is the aggregate version events will carry. */
export interface CinemaDoc {
  _id: ObjectId;
  cityId: ObjectId;
  name: string;
  createdAt: Date;
  version: number;
}

export const createCinemaInput = z.object({ cityId: id(), name: text(100) });
export type CreateCinemaInput = z.infer<typeof createCinemaInput>;

/** `cityId` is not a schema field: it is kept for the `Cinema.city` resolver. */
export function toGraphQL(doc: CinemaDoc) {
  return { id: doc._id.toHexString(), name: doc.name, cityId: doc.cityId.toHexString() };
}
export type CinemaObject = ReturnType<typeof toGraphQL>;
