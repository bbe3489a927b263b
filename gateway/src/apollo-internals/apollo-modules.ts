/**
 * @apollo/gateway's private modules, by path: they are not in its public API, so they may move or
 * change in any release. Nothing outside this folder names them; index.ts uses them only after
 * versions.ts found the release they were read from (README.md: how to redo this on an upgrade).
 */
import type { Operation } from '@apollo/federation-internals';

export interface ComputeResponseArgs { operation: Operation; variables?: Record<string, unknown>; input: unknown; introspectionHandling: unknown }
export type ComputeResponse = (args: ComputeResponseArgs) => { data: unknown; errors: unknown[] };

export const RESULT_SHAPING = '@apollo/gateway/dist/resultShaping.js';

/**
 * resultShaping.js: `computeResponse` shapes the merged subgraph answers into the client's. Its
 * only caller, executeQueryPlan.js, reads it from this module's exports at each call
 * (`(0, resultShaping_1.computeResponse)(…)`), so a function set here is the one that runs.
 */
export const resultShaping = () => require(RESULT_SHAPING) as { computeResponse: ComputeResponse };

/** utilities/own.js: Apollo's reading of an input field (own properties only). */
export const { getOwn } = require('@apollo/gateway/dist/utilities/own.js') as { getOwn: (o: object, key: string) => unknown };
