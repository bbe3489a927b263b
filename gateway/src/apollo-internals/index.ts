/**
 * The one door to Apollo's private internals (README.md beside this file says what, why and how to
 * redo it on an upgrade). patch-package applies patches/@apollo+gateway+<version>.patch at install:
 * a seam in @apollo/gateway's result shaping. createGatewayServer calls installApolloInternals with
 * the switches config.ts read, before the gateway answers anything; tests that build a gateway go
 * through the same call, so they run the same Apollo code as production. When the installed
 * @apollo/gateway or @apollo/federation-internals is not the release this was made for, or the patch
 * is not applied, nothing is set: Apollo runs as published, and one warning says so.
 */
import type { Logger } from '@cinema/config';
import { resultShaping, unpatched, type ResultShaping } from './apollo-modules';
import { compiledComputeResponse, operationStore } from './compiled-result-shaping';
import { installedVersions, MADE_FOR, versionMismatch, type Versions } from './versions';

export interface ApolloSwitches {
  /** Apollo's result shaping replaced by the walk compiled per operation (GATEWAY_COMPILED_SHAPING). */
  compiledShaping: boolean;
}
export const ALL_ON: ApolloSwitches = { compiledShaping: true };

export type ApolloInternals = { installed: true; switches: ApolloSwitches } | { installed: false; reason: string };

/** What this depends on, as functions: a private path may not exist in another release. */
export interface Seams { versions: Versions; unpatched: () => string; resultShaping: () => ResultShaping }

/** Applies `switches` through the patch's seam, or nothing (one warning) on another release or without the patch. */
export function applyApolloInternals(switches: ApolloSwitches, logger: Pick<Logger, 'warn'>, seams: Seams): ApolloInternals {
  // Versions first: on another release the patched files are not even read.
  const reason = versionMismatch(seams.versions) || seams.unpatched();
  if (reason) {
    logger.warn({ installed: seams.versions, madeFor: MADE_FOR }, `Apollo runs as published, without the gateway's changes to its internals (slower, same answers): ${reason}; see gateway/src/apollo-internals/README.md`);
    return { installed: false, reason };
  }
  const module = seams.resultShaping();
  module.setResponseShaper(switches.compiledShaping ? compiledComputeResponse(module.computeResponse) : undefined);
  // One Operation per parsed operation, so the walk is compiled once per operation, not per request.
  module.setOperationStore(switches.compiledShaping ? operationStore() : undefined);
  return { installed: true, switches: { ...switches } };
}

let state: ApolloInternals | undefined;

/**
 * Once per process in effect: a later call (another gateway in the same test process) applies its
 * switches again, but after a refusal nothing is tried again and nothing more is logged.
 */
export function installApolloInternals(switches: ApolloSwitches, logger: Pick<Logger, 'warn'>, seams: Partial<Seams> = {}): ApolloInternals {
  if (state && !state.installed) return state;
  state = applyApolloInternals(switches, logger, { versions: installedVersions(), unpatched, resultShaping, ...seams });
  return state;
}

/** What installApolloInternals did in this process (undefined before its first call). */
export const apolloInternals = (): ApolloInternals | undefined => state;
