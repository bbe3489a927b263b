/**
 * The one door to Apollo's private internals (README.md beside this file says what, why and how to
 * redo it on an upgrade). createGatewayServer calls installApolloInternals with the switches
 * config.ts read, before the gateway answers anything; tests that build a gateway go through the same
 * call, so they run the same Apollo code as production. When the installed @apollo/gateway or
 * @apollo/federation-internals is not the release this was made for, nothing is changed: Apollo runs
 * as published, and one warning says so.
 */
import type { Logger } from '@cinema/config';
import { resultShaping, type ComputeResponse } from './apollo-modules';
import { compiledComputeResponse } from './compiled-result-shaping';
import { installedVersions, MADE_FOR, versionMismatch, type Versions } from './versions';

export interface ApolloSwitches {
  /** Apollo's result shaping replaced by the walk compiled per operation (GATEWAY_COMPILED_SHAPING). */
  compiledShaping: boolean;
}
export const ALL_ON: ApolloSwitches = { compiledShaping: true };

export type ApolloInternals = { installed: true; switches: ApolloSwitches } | { installed: false; reason: string };

/** The parts of Apollo this changes; a function, because a private path may not exist in another release. */
export interface Seams { versions: Versions; resultShaping: () => { computeResponse: ComputeResponse } }

const APOLLO = Symbol("Apollo's own computeResponse");
type Shaper = ComputeResponse & { [APOLLO]?: ComputeResponse };

/** Apollo's own computeResponse, whatever is installed (the comparison tests need it). */
export function apolloComputeResponse(module = resultShaping()): ComputeResponse {
  const current = module.computeResponse as Shaper;
  return current[APOLLO] ?? current;
}

/** Applies `switches` to the given seams, or nothing (one warning) when the versions differ. */
export function applyApolloInternals(switches: ApolloSwitches, logger: Pick<Logger, 'warn'>, seams: Seams): ApolloInternals {
  const mismatch = versionMismatch(seams.versions);
  if (mismatch) {
    logger.warn({ installed: seams.versions, madeFor: MADE_FOR }, `Apollo runs as published, without the gateway's changes to its internals (slower, same answers): ${mismatch}; see gateway/src/apollo-internals/README.md`);
    return { installed: false, reason: mismatch };
  }
  const module = seams.resultShaping();
  const apollo = apolloComputeResponse(module);
  module.computeResponse = switches.compiledShaping ? Object.assign(compiledComputeResponse(apollo), { [APOLLO]: apollo }) : apollo;
  return { installed: true, switches: { ...switches } };
}

let state: ApolloInternals | undefined;

/**
 * Once per process in effect: a later call (another gateway in the same test process) applies its
 * switches again, but after a version mismatch nothing is tried again and nothing more is logged.
 */
export function installApolloInternals(switches: ApolloSwitches, logger: Pick<Logger, 'warn'>, versions: Versions = installedVersions()): ApolloInternals {
  if (state && !state.installed) return state;
  state = applyApolloInternals(switches, logger, { versions, resultShaping });
  return state;
}

/** What installApolloInternals did in this process (undefined before its first call). */
export const apolloInternals = (): ApolloInternals | undefined => state;
