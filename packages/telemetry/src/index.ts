export { graphqlTelemetry } from './graphql-telemetry';
export { metricsRoute, traceRequests } from './http-telemetry';
export { createMetrics, type ServiceMetrics } from './metrics';
export { contextFrom, startTracing, traceCarrier, tracer, tracingEnv, type TraceCarrier, type Tracing } from './tracing';
