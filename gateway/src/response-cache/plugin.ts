import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { RequestContext, ServiceMetrics } from '@cinema/service-kit';
import { Counter, Gauge } from 'prom-client';
import { cacheTags } from './operation-types';
import type { ResponseStore, Snapshot } from './store';

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
  return {
    async requestDidStart() {
      let pending: { key: string; tags: readonly string[]; seen: Snapshot } | undefined;
      return {
        async responseForOperation(rc) {
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
          const who = rc.contextValue.identity;
          const caller = who ? `${who.sub}|${[...who.scopes].sort().join(',')}` : '-';
          const key = `${caller}\n${rc.queryHash}\n${rc.operationName ?? ''}\n${JSON.stringify(rc.request.variables ?? {})}`;
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
          if (!pending) return;
          rc.response.http.headers.set(CACHE_HEADER, 'miss');
          const body = rc.response.body;
          if (body.kind !== 'single' || body.singleResult.errors?.length || !body.singleResult.data) return;
          if (rc.response.http.status !== undefined && rc.response.http.status !== 200) return;
          // Only `data`: extensions describe this one request. Sized by its JSON, what it would cost to resend.
          const result = { data: body.singleResult.data };
          store.set(pending.key, pending.tags, pending.seen, result, JSON.stringify(result).length);
        },
      };
    },
  };
}
