export * from './graphql-telemetry';
export * from './http-telemetry';
export * from './metrics';
export * from './operation-label';
export * from './tracing';
