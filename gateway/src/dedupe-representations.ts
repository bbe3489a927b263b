import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';

/**
 * Representations of one fetch are built from one `requires` selection: same keys, same order.
 * Nearly all are `{ __typename, <one key field>: <string> }`; those get a key without
 * JSON.stringify (~4% of the gateway's time on the deep query): type and field are GraphQL names,
 * which hold no NUL, so the value after the second NUL is unambiguous. Anything else is stringified.
 */
function keyOf(representation: unknown): string {
  const r = representation as Record<string, unknown>;
  if (typeof r?.__typename === 'string') {
    const keys = Object.keys(r);
    const value = keys.length === 2 && keys[0] === '__typename' ? r[keys[1]!] : undefined;
    if (typeof value === 'string') return `${r.__typename}\0${keys[1]}\0${value}`;
  }
  return JSON.stringify(representation);
}

/**
 * @apollo/gateway sends one representation per entity occurrence: the deep query's 200 review
 * authors go to `users` as 200 representations of a few dozen users, and every later hop multiplies
 * that. Hive Gateway sends each distinct entity once. This keeps the first occurrence of each
 * distinct representation and remembers, for every original position, which one it became.
 */
export function dedupe(representations: readonly unknown[]): { unique: unknown[]; slotOf: number[] } | undefined {
  const index = new Map<string, number>();
  const unique: unknown[] = [];
  const slotOf = new Array<number>(representations.length);
  for (let i = 0; i < representations.length; i++) {
    const key = keyOf(representations[i]);
    let slot = index.get(key);
    if (slot === undefined) {
      slot = unique.length;
      index.set(key, slot);
      unique.push(representations[i]);
    }
    slotOf[i] = slot;
  }
  return unique.length < representations.length ? { unique, slotOf } : undefined;
}

/**
 * The subgraph's answer to the unique representations, back in the gateway's positions: entity i
 * is the answer for its slot (the same object for duplicates: one entity, one answer, as in Hive's
 * batching), and an error at `_entities.<slot>` is reported at every position that slot stood for.
 */
export function expand(response: GatewayGraphQLResponse, slotOf: readonly number[]): GatewayGraphQLResponse {
  const entities = (response.data as { _entities?: unknown } | null | undefined)?._entities;
  const data = Array.isArray(entities) ? { ...response.data, _entities: slotOf.map((s) => entities[s] ?? null) } : response.data;
  if (!response.errors?.length) return { ...response, data };
  const positions = new Map<number, number[]>();
  slotOf.forEach((s, i) => positions.set(s, [...(positions.get(s) ?? []), i]));
  const errors = response.errors.flatMap((e) => {
    const slot = e.path?.[0] === '_entities' ? e.path[1] : undefined;
    if (typeof slot !== 'number') return [e];
    return (positions.get(slot) ?? [slot]).map((i) => ({ ...e, path: ['_entities', i, ...e.path!.slice(2)] }));
  });
  return { ...response, data, errors };
}
