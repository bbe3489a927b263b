import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Kind, parse, type SelectionSetNode } from 'graphql';

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** The edge's code for "this subgraph's fields failed; the rest of the answer stands" (architecture.md). */
export const SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE';

/** Why a subgraph fetch did not answer: the breaker refused it, or the subgraph did not answer in time, at all, or with a 5xx. */
export type UnavailableReason = 'circuit open' | 'timeout' | 'unreachable' | 'server error';

/** A subgraph fetch that failed for want of the subgraph (never a GraphQL error the subgraph answered). */
export class SubgraphUnavailableError extends Error {
  override name = 'SubgraphUnavailableError';
  constructor(
    readonly subgraph: string,
    readonly reason: UnavailableReason,
    cause?: unknown,
  ) {
    super(`subgraph ${subgraph} is unavailable (${reason})`, { cause });
  }
}

/** The first field of a selection set (through inline fragments), `__typename` aside: its response name and its own selections. */
function firstField(set: SelectionSetNode | undefined): { name: string; selections?: SelectionSetNode } | undefined {
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD && s.name.value !== '__typename') return { name: s.alias?.value ?? s.name.value, selections: s.selectionSet };
    if (s.kind === Kind.INLINE_FRAGMENT) {
      const inner = firstField(s.selectionSet);
      if (inner) return inner;
    }
  }
  return undefined;
}

// One entry per distinct subgraph operation (a bounded set: the query plans' fetches), filled only on failures.
const paths = new Map<string, Array<string | number>>();

/**
 * Where the failed fetch's fields sit, in the subgraph response's terms, so that @apollo/gateway maps
 * it into the client's answer as it maps a subgraph's own error paths: an entity fetch's
 * `_entities.0.<field>` becomes the first entity's field (`movie.screenings`, `movies.0.screenings`),
 * a root fetch's `<field>` stays the root field.
 */
export function pathOfFetch(operation: string): Array<string | number> {
  let path = paths.get(operation);
  if (path) return path;
  let root: ReturnType<typeof firstField>;
  try {
    const definition = parse(operation).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    root = firstField(definition?.selectionSet);
  } catch {
    root = undefined;
  }
  if (root?.name === '_entities') {
    const field = firstField(root.selections);
    path = field ? ['_entities', 0, field.name] : ['_entities', 0];
  } else path = root ? [root.name] : [];
  if (paths.size >= 1_000) paths.clear();
  paths.set(operation, path);
  return path;
}

/**
 * A subgraph response standing for the failed fetch: no data (its fields become null, or their
 * nearest nullable parent) and ONE error at the fetch's fields with `extensions.code`
 * SUBGRAPH_UNAVAILABLE. @apollo/gateway adds `serviceName`; in production the error formatter keeps
 * only the code, so the message must not name the subgraph there either.
 */
export function unavailableResponse(error: SubgraphUnavailableError, operation: string, production: boolean): SubgraphResponse {
  const message = production ? 'Part of this answer is temporarily unavailable' : error.message;
  return { errors: [{ message, path: pathOfFetch(operation), extensions: { code: SUBGRAPH_UNAVAILABLE } }] } as SubgraphResponse;
}
