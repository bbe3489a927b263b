import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { ServiceMetrics } from '@cinema/telemetry';
import { identityKey, type RequestContext } from '@cinema/serving';
import { Kind, type SelectionNode } from 'graphql';
import { Counter, Gauge } from 'prom-client';
import { cacheTags } from './operation-types';
import type { ResponseStore, Snapshot } from './store';
import { CHANGED_BY, MUTATION_EVENTS } from './what-events-change';

export const CACHE_HEADER = 'x-response-cache';

/**
 * Answers a query from the store when an equal one (same text, operation, variables and caller)
 * was answered since the last event that could change it; otherwise executes it and keeps the
 * answer if it has no errors. Runs after the document limits and the authorization checks (those
 * act in didResolveOperation, before responseForOperation), so a refused query is never answered.
 * The caller is part of the key: @authenticated fields differ per caller. `Cache-Control: no-cache`
 * from the client skips the read. Mutations and subscriptions are never cached.
 */
export function responseCachePlugin(store: ResponseStore, metrics?: ServiceMetrics): ApolloServerPlugin<RequestContext> {
  const registers = metrics ? [metrics.registry] : [];
  const outcomes = new Counter({
    name: 'gateway_response_cache_requests_total',
    help: 'Queries by response-cache outcome: hit, miss (executed), not_cacheable, unavailable (no broker connection: answered uncached)',
    labelNames: ['outcome'],
    registers,
  });
  new Gauge({
    name: 'gateway_response_cache_live',
    help: '1 while the response cache follows the events (its queue is bound), 0 while it answers uncached',
    registers,
    collect() {
      this.set(store.available ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gateway_response_cache_entries',
    help: 'Answers held by the response cache of this process',
    registers,
    collect() {
      this.set(store.size);
    },
  });
  // Whatever the mutation's events will evict, evicted now in this process (before and after it runs,
  // whether or not it failed: a failed mutation may have written). A root selection that is not a
  // plain field (a fragment) could be anything: evict everything.
  const evictForMutation = (selections: readonly SelectionNode[]) => {
    for (const s of selections) {
      const events = s.kind === Kind.FIELD ? MUTATION_EVENTS[s.name.value] : undefined;
      if (!events) return store.clear();
      for (const e of events) store.invalidate(CHANGED_BY[e]);
    }
  };
  return {
    async requestDidStart() {
      let pending: { key: string; tags: readonly string[]; seen: Snapshot } | undefined;
      return {
        async responseForOperation(rc) {
          if (rc.operation.operation === 'mutation') evictForMutation(rc.operation.selectionSet.selections);
          if (rc.operation.operation !== 'query') return null;
          if (!store.available) {
            outcomes.inc({ outcome: 'unavailable' });
            return null;
          }
          const tags = cacheTags(rc.schema, rc.document);
          if (!tags) {
            outcomes.inc({ outcome: 'not_cacheable' });
            return null;
          }
          const key = JSON.stringify([identityKey(rc.contextValue.identity), rc.queryHash, rc.operationName ?? null, rc.request.variables ?? {}]);
          const noCache = rc.request.http?.headers.get('cache-control')?.includes('no-cache');
          const cached = noCache ? undefined : store.get(key);
          outcomes.inc({ outcome: cached ? 'hit' : 'miss' });
          if (cached) {
            return { body: { kind: 'single', singleResult: { data: cached.data } }, http: { status: undefined, headers: new HeaderMap([[CACHE_HEADER, 'hit']]) } };
          }
          pending = { key, tags, seen: store.snapshot(tags) };
          return null;
        },
        async willSendResponse(rc) {
          // Again once it is done: a read that started while the mutation ran must not be kept.
          if (rc.operation?.operation === 'mutation') evictForMutation(rc.operation.selectionSet.selections);
          if (!pending) return;
          rc.response.http.headers.set(CACHE_HEADER, 'miss');
          const body = rc.response.body;
          if (body.kind !== 'single' || body.singleResult.errors?.length || !body.singleResult.data) return;
          if (rc.response.http.status !== undefined && rc.response.http.status !== 200) return;
          // Only `data`: extensions describe this one request. Sized by its JSON, what it would cost to resend.
          // Frozen: every later hit hands out this very object.
          const result = deepFreeze({ data: body.singleResult.data });
          store.set(pending.key, pending.tags, pending.seen, result, JSON.stringify(result).length);
        },
      };
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
