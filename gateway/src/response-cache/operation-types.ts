import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { CACHEABLE_TYPES, NEVER_CACHED_FIELDS } from './what-events-change';

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);
const byDocument = new WeakMap<DocumentNode, readonly string[] | null>();

/**
 * The types a document selects (an abstract type stands for each of its possible types), sorted:
 * the tags of its cached response. Null when it may not be cached: it selects a type no event
 * announces changes of, or a field in NEVER_CACHED_FIELDS. Computed once per document (Apollo's
 * document store hands the same object back for the same query text).
 */
export function cacheTags(schema: GraphQLSchema, document: DocumentNode): readonly string[] | null {
  const known = byDocument.get(document);
  if (known !== undefined) return known;
  const types = new Set<string>();
  let cacheable = true;
  const info = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(info, {
      Field(node) {
        const parent = info.getParentType();
        if (parent && NEVER_CACHED_FIELDS.has(`${parent.name}.${node.name.value}`)) cacheable = false;
        const type = info.getType();
        const named = type && getNamedType(type);
        if (!named || !isCompositeType(named)) return;
        for (const t of isAbstractType(named) ? schema.getPossibleTypes(named) : [named]) types.add(t.name);
      },
    }),
  );
  for (const t of types) if (!ROOTS.has(t) && !CACHEABLE_TYPES.has(t)) cacheable = false;
  const tags = cacheable ? [...types].filter((t) => !ROOTS.has(t)).sort() : null;
  byDocument.set(document, tags);
  return tags;
}
