export { loaderById, loaderGroupedById, loaderOfMap, pagedLoaderByParent } from './loaders';
export { afterFilter, parsePage, type Page } from './pagination';
export { messagingEnvOptions, runSubgraph, subgraphEnv, type SubgraphEnv } from './run-subgraph';
export { createSubgraphServer, type SubgraphServerOptions } from './subgraph';
export { email, id, isoDate, isoDateTime, parseId, parseInput, text } from './validation';
