export { loaderById, loaderOfMap, pagedLoaderByParent } from './loaders';
export { afterFilter, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, parsePage, type Page, type PageArgs } from './pagination';
export { messagingEnvOptions, runSubgraph, subgraphEnv, type SubgraphEnv } from './run-subgraph';
export { createSubgraphServer, type SubgraphServerOptions } from './subgraph';
export { email, id, isoDate, isoDateTime, parseId, parseInput, text } from './validation';
