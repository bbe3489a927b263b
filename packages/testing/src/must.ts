import { adminHeaders } from './auth';
import { gql } from './graphql';

/** Runs a mutation/query through the gateway and fails loudly on any GraphQL error. */
export async function must<T = any>(url: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await gql<T>(url, query, variables, await adminHeaders());
  if (res.errors?.length || !res.data) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/**
 * Like `must`, for a mutation that depends on a replica another subgraph keeps current from events
 * (addReview needs the author in movies' replica, scheduleScreening the movie in catalog's): retried
 * while the replica does not know the entity yet, for at most `timeoutMs`.
 */
export async function mustOnceReplicated<T = any>(url: string, query: string, variables: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await gql<T>(url, query, variables, await adminHeaders());
    if (!res.errors?.length && res.data) return res.data;
    const pending = res.errors?.every((e) => e.extensions?.code === 'BAD_USER_INPUT' && /unknown|deleted/i.test(e.message));
    if (!pending || Date.now() > deadline) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
