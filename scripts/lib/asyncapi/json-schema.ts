import { z } from 'zod';

export type JsonSchema = { [keyword: string]: unknown };

/**
 * A zod schema as the JSON Schema of what it accepts (`io: 'input'`): objects stay open, since a
 * consumer's zod object strips fields it does not know instead of rejecting them. Draft-07, the
 * base of AsyncAPI's own schema format, so the document needs no schemaFormat.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as JsonSchema;
  return rest;
}

export const ref = (path: string) => ({ $ref: path });
