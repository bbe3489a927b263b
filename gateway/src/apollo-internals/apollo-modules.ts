/**
 * @apollo/gateway's private modules, by path: they are not in its public API, so they may move or
 * change in any release. Nothing outside this folder names them; index.ts loads them only after
 * versions.ts found the release they were read from and the patch applied (README.md: how to redo
 * both on an upgrade).
 */
import { readFileSync } from 'node:fs';
import type { Operation } from '@apollo/federation-internals';
import { PATCH } from './versions';

export interface ComputeResponseArgs { operation: Operation; variables?: Record<string, unknown>; input: unknown; introspectionHandling: unknown }
export type ComputeResponse = (args: ComputeResponseArgs) => { data: unknown; errors: unknown[] };

export const RESULT_SHAPING = '@apollo/gateway/dist/resultShaping.js';
export const EXECUTE_QUERY_PLAN = '@apollo/gateway/dist/executeQueryPlan.js';

/** What the patch writes into each file it changes (a comment): present once the patch is applied. */
export const PATCH_MARKER = 'cinema-graph patch: result-shaping seam';

/**
 * resultShaping.js as patched: `computeResponse` is Apollo's own last step (the merged subgraph
 * answers shaped into the client's), untouched; the patch adds `shapeResponse`, which
 * executeQueryPlan.js calls instead, and `setResponseShaper`, which decides what shapeResponse runs
 * (computeResponse while nothing, or undefined, is set); and `operationFor`, through which
 * executeQueryPlan.js builds the federation Operation it shapes with, and `setOperationStore`, which
 * may keep one per parsed operation (a new one per request while none is set).
 */
export interface ResultShaping {
  computeResponse: ComputeResponse;
  shapeResponse: ComputeResponse;
  setResponseShaper(shaper: ComputeResponse | undefined): void;
  /** How executeQueryPlan.js gets the Operation it shapes with: `build()` unless a store is set. */
  operationFor(schema: object, operationNode: object, build: () => Operation): Operation;
  setOperationStore(store: OperationStore | undefined): void;
}

/** Given the API schema, the parsed operation (graphql-js AST, kept by Apollo Server) and how to build it. */
export type OperationStore = (schema: object, operationNode: object, build: () => Operation) => Operation;
export const resultShaping = () => require(RESULT_SHAPING) as ResultShaping;

/** The files the patch changes that do not carry its marker ('' when it is applied), read without loading them. */
export function unpatched(files = [RESULT_SHAPING, EXECUTE_QUERY_PLAN]): string {
  const missing = files.filter((file) => {
    try {
      return !readFileSync(require.resolve(file), 'utf8').includes(PATCH_MARKER);
    } catch {
      return true; // moved or gone in this release
    }
  });
  return missing.length ? `${PATCH} is not applied to ${missing.join(', ')} (npm ci applies it: root postinstall)` : '';
}

/** utilities/own.js: Apollo's reading of an input field (own properties only). */
export const { getOwn } = require('@apollo/gateway/dist/utilities/own.js') as { getOwn: (o: object, key: string) => unknown };
