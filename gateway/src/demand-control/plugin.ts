import type { ApolloServerPlugin } from '@apollo/server';
import { getVariableValues, GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { Histogram } from 'prom-client';
import { badUserInput, type RequestContext } from '@cinema/serving';
import type { ServiceMetrics } from '@cinema/telemetry';
import type { CostDirectives } from './cost-directives';
import { CostInputError } from './list-size';
import { compileCost, costOf, type CompiledCost } from './operation-cost';

export interface DemandControlOptions {
  /** From the supergraph (readCostDirectives): the limits travel with the schema. */
  directives: CostDirectives;
  /** Operations estimated above this are refused (MAX_COST). */
  maxCost: number;
  /** The size counted for a list nothing sizes (a supergraph without @listSize on it). */
  assumedListSize?: number;
  metrics?: ServiceMetrics;
}

export const COST_TOO_EXPENSIVE = 'COST_ESTIMATED_TOO_EXPENSIVE';

/**
 * Demand control as Apollo Router's static estimate: the cost of the operation, with its variables
 * coerced, is checked after validation and before the gateway plans or calls any subgraph. What
 * depends only on the document is compiled once per document (Apollo hands the same DocumentNode for
 * the same query text) and operation; a request then costs a lookup, plus coercing the few variables
 * the cost depends on, if any. Every estimate goes into gateway_operation_estimated_cost.
 */
export function demandControlPlugin(o: DemandControlOptions): ApolloServerPlugin<RequestContext> {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledCost>>();
  const options = { assumedListSize: o.assumedListSize ?? 100 };
  const histogram = o.metrics
    ? new Histogram({
        name: 'gateway_operation_estimated_cost',
        help: 'Estimated cost of each operation (Apollo Router static estimate), by result (COST_OK, COST_ESTIMATED_TOO_EXPENSIVE)',
        labelNames: ['result'],
        buckets: [1, 10, 100, 1_000, 10_000, 50_000, 100_000, 1_000_000],
        registers: [o.metrics.registry],
      })
    : undefined;
  // Bound once: observing through a child skips hashing the labels on every request.
  const observe = { ok: histogram?.labels({ result: 'COST_OK' }), over: histogram?.labels({ result: COST_TOO_EXPENSIVE }) };

  const compile = (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode) => {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    const key = operation.name?.value ?? '';
    let found = byOperation.get(key);
    if (!found) byOperation.set(key, (found = compileCost(schema, document, operation, o.directives, options)));
    return found;
  };

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const c = compile(schema, document, operation);
          let vars = {};
          if (c.variables.size > 0) {
            const definitions = operation.variableDefinitions?.filter((d) => c.variables.has(d.variable.name.value)) ?? [];
            const coerced = getVariableValues(schema, definitions, request.variables ?? {});
            // Bad variables: the gateway refuses them next, before any subgraph call, with its own message.
            if (coerced.errors) return;
            vars = coerced.coerced;
          }
          let estimated: number;
          try {
            // Finite, so that it survives JSON (an absurd document can overflow to Infinity).
            estimated = Math.min(costOf(c, vars), Number.MAX_VALUE);
          } catch (err) {
            if (!(err instanceof CostInputError)) throw err;
            const refusal = badUserInput(err.message);
            refusal.extensions.http = { status: 400 };
            throw refusal;
          }
          const over = estimated > o.maxCost;
          (over ? observe.over : observe.ok)?.observe(estimated);
          if (!over) return;
          throw new GraphQLError(`operation estimated cost ${estimated} exceeds the maximum of ${o.maxCost}: ask for smaller pages (first) or fewer nested lists`, {
            // 400 as for any document Apollo refuses before executing it; `http` never reaches the client.
            extensions: { code: COST_TOO_EXPENSIVE, cost: { estimated, max: o.maxCost }, http: { status: 400 } },
          });
        },
      };
    },
  };
}
