import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '@cinema/service-kit';
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
export function responseCachePlugin(store: ResponseStore): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let pending: { key: string; tags: readonly string[]; seen: Snapshot } | undefined;
      return {
        async responseForOperation(rc) {
          if (rc.operation.operation !== 'query' || !store.available) return null;
          const tags = cacheTags(rc.schema, rc.document);
          if (!tags) return null;
          const who = rc.contextValue.identity;
          const caller = who ? `${who.sub}|${[...who.scopes].sort().join(',')}` : '-';
          const key = `${caller}\n${rc.queryHash}\n${rc.operationName ?? ''}\n${JSON.stringify(rc.request.variables ?? {})}`;
          const noCache = rc.request.http?.headers.get('cache-control')?.includes('no-cache');
          const cached = noCache ? undefined : store.get(key);
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
