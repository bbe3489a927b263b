import type { ApolloServerPlugin } from '@apollo/server';
import { allowSharing, type AnswerSharing, type RequestContext } from '@cinema/serving';
import { LRUCache } from 'lru-cache';
import { Counter, type Registry } from 'prom-client';
import { dedupeKey, operationId } from './key';

/**
 * Inbound request deduplication: identical queries in flight at the same moment share one
 * execution and one serialized answer (serving's shared-answers.ts does the waiting and writing;
 * this decides what is identical and what may be shared). docs/decisions.md says why a caller can
 * never get another's data: the key holds everything that can change the answer (dedupeKey), and
 * only answers without errors are shared, so what a waiter gets is what its own execution would
 * have produced at that moment.
 *
 * Operation kinds are learnt from Apollo: once a request of a document has been parsed and its
 * operation resolved, the document's hash and operation name say "query" (or not) for the requests
 * after it. The first request of a document always runs alone; no text is parsed twice.
 */
export function inboundDedupe(registry?: Registry): { sharing: AnswerSharing; plugin: ApolloServerPlugin<RequestContext> } {
  // Bounded: hashes and operation names of documents Apollo resolved (validated) only.
  const kinds = new LRUCache<string, string>({ max: 10_000 });
  const shared = new Counter({
    name: 'gateway_inbound_dedupe_shared_total',
    help: 'GraphQL requests answered with the answer of an identical query in flight at the same moment (executed nothing)',
    registers: registry ? [registry] : [],
  });
  return {
    sharing: {
      keyOf: (x, body) => dedupeKey(x, body, (id) => kinds.get(id)),
      shared: () => shared.inc(),
    },
    plugin: {
      async requestDidStart() {
        return {
          async didResolveOperation({ queryHash, request, operation }) {
            if (operation) kinds.set(operationId(queryHash, request.operationName), operation.operation);
          },
          async willSendResponse({ contextValue, operation, response }) {
            // A query's complete answer without any error: what every identical request would get.
            if (operation?.operation !== 'query' || response.body.kind !== 'single') return;
            const { errors, data } = response.body.singleResult;
            if ((errors && errors.length > 0) || data == null) return;
            if ((response.http.status ?? 200) !== 200) return;
            allowSharing(contextValue);
          },
        };
      },
    },
  };
}
