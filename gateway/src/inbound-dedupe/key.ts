import { createHash } from 'node:crypto';
import type { SharingRequest } from '@cinema/serving';
import stringify from 'safe-stable-stringify';

/**
 * Request headers that reach the answer: `accept` picks its media type and status codes (Apollo's
 * negotiation), `cache-control: no-cache` skips the response cache, and `x-request-id` is the one
 * client header the gateway forwards to subgraphs (as the correlation id). `authorization` is not
 * here because what the gateway makes of it is: the verified identity (`sub` and scopes), which is
 * the only caller data that reaches the authorization checks and the subgraphs.
 */
export const KEYED_HEADERS = ['accept', 'cache-control', 'x-request-id'] as const;

/** The operation a request names: its document's hash (Apollo's queryHash) and operation name. */
export const operationId = (queryHash: string, operationName: string | null | undefined) => `${queryHash}\n${operationName ?? ''}`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const isHash = (h: unknown): h is string => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The key under which a request may share another's answer, or undefined (it runs alone). Equal
 * keys mean: the same document (sha256 of its text, as Apollo's queryHash), the same operation
 * name, the same variables and extensions (canonical JSON: key order does not matter), the same
 * verified caller (`sub` and scopes, in order) or none, and the same KEYED_HEADERS.
 *
 * Only operations already known to be queries (`kindOf`, learnt from Apollo's own parse of an
 * earlier request of the same document): a mutation or subscription, or a document never seen
 * resolved, is never shared. Only a POSTed JSON object (no batch, no GET).
 */
export function dedupeKey(x: SharingRequest, body: unknown, kindOf: (operation: string) => string | undefined): string | undefined {
  if (x.req.method !== 'POST' || !isObject(body)) return undefined;
  const { query, operationName, variables, extensions } = body;
  if (operationName != null && typeof operationName !== 'string') return undefined;
  if (variables != null && !isObject(variables)) return undefined;
  if (extensions != null && !isObject(extensions)) return undefined;
  const persisted = isObject(extensions) && isObject(extensions.persistedQuery) ? extensions.persistedQuery.sha256Hash : undefined;
  let hash: string;
  if (typeof query === 'string') hash = sha256(query);
  else if (query == null && isHash(persisted)) hash = persisted;
  else return undefined;
  if (kindOf(operationId(hash, operationName)) !== 'query') return undefined;
  const caller = x.identity ? [x.identity.sub, x.identity.scopes] : null;
  const headers = KEYED_HEADERS.map((h) => x.req.headers[h] ?? null);
  return stringify([hash, operationName ?? null, variables ?? null, extensions ?? null, caller, headers]);
}
