import { DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES } from '@apollo/federation-internals';
import { Kind, parse, print, visit, type ConstArgumentNode } from 'graphql';
import { policyFromSdl, type Policy } from '@cinema/serving';

/** The SECURITY features this gateway enforces itself (see authorizationPlugin). */
const ENFORCED = ['https://specs.apollo.dev/authenticated/', 'https://specs.apollo.dev/requiresScopes/'];

/** Those @apollo/gateway enforces itself (inaccessible: such fields are not in the API schema). */
const apolloEnforces = (url: string) => DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES.has(url.replace(/\/$/, ''));

/**
 * @apollo/gateway refuses a supergraph that links a `for: SECURITY` feature it cannot enforce
 * itself, and serves every other (inaccessible, tag, cost, join…). This gateway also enforces
 * @authenticated and @requiresScopes, so it reads their policy and hands Apollo the same supergraph
 * with those two links marked as plain metadata. Any other SECURITY feature (e.g. @policy) is
 * still refused, naming it: failing closed beats serving fields unprotected.
 */
export function acceptSecurityFeatures(supergraphSdl: string): { sdl: string; policy: Policy } {
  const doc = parse(supergraphSdl);
  const unsupported: string[] = [];
  const rewritten = visit(doc, {
    Directive(node) {
      if (node.name.value !== 'link') return undefined;
      const url = node.arguments?.find((a) => a.name.value === 'url')?.value;
      const purpose = node.arguments?.find((a) => a.name.value === 'for')?.value;
      if (url?.kind !== Kind.STRING || purpose?.kind !== Kind.ENUM || purpose.value !== 'SECURITY') return undefined;
      if (apolloEnforces(url.value)) return undefined;
      if (!ENFORCED.some((prefix) => url.value.startsWith(prefix))) {
        unsupported.push(url.value);
        return undefined;
      }
      return { ...node, arguments: node.arguments!.filter((a) => a.name.value !== 'for') as ConstArgumentNode[] };
    },
  });
  if (unsupported.length > 0) {
    throw new Error(`the supergraph uses SECURITY features this gateway does not enforce: ${unsupported.join(', ')}`);
  }
  return { sdl: print(rewritten), policy: policyFromSdl(doc) };
}
