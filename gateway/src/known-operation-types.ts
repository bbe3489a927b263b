import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * graphql-js 16 validates a `subscription { … }` against a schema without a Subscription type as
 * if it were fine (its KnownOperationTypes rule arrives in v17), and @apollo/gateway then fails to
 * plan it: an HTTP 500 for a client's mistake. Refused here as a validation error instead. The
 * gateway executes no subscriptions at all, so one is refused even if a subgraph declares them.
 */
export const KnownOperationTypes: ValidationRule = (context) => ({
  OperationDefinition(node) {
    const schema = context.getSchema();
    const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : undefined;
    if (node.operation === 'subscription' && schema.getSubscriptionType()) {
      context.reportError(new GraphQLError('subscriptions are served on /graphql over WebSocket (graphql-transport-ws) and over SSE (a request accepting text/event-stream; also on /graphql/stream), not as a query answered in JSON', { nodes: [node] }));
    } else if (!root) {
      context.reportError(new GraphQLError(`this gateway does not serve ${node.operation} operations`, { nodes: [node] }));
    }
  },
});
